// The serial queue every long-lived workflow runs its handlers and timers through, with the count
// of work still in flight that decides when a run may end or continue as new.

import type { UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, currentUpdateInfo, setHandler } from '@temporalio/workflow';

export class SerialQueue {
  private tail: Promise<unknown>;
  // Notices leave in order but never hold up the queue or an update's answer.
  private outbox: Promise<unknown> = Promise.resolve();
  // Serial jobs, notices and background work not yet finished.
  private pending = 0;

  /** `first` settles before any queued work runs: usually the policy load. */
  constructor(first: Promise<unknown> = Promise.resolve()) {
    this.tail = first;
  }

  /** Work runs one at a time, so a validator's verdict still holds when its handler writes. */
  serially<T>(work: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.tail.then(work).finally(() => {
      this.pending--;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Everything queued so far. Returned, not awaited here: an extra async hop would move the
   * caller's next command behind queued handlers' commands, which replaying older histories would
   * see as non-determinism.
   */
  drain(): Promise<unknown> {
    return this.tail;
  }

  /** Tracks background work (beside the queue) so the run never ends with it in flight. */
  track(work: Promise<unknown>): void {
    this.pending++;
    const tracked = work.finally(() => {
      this.pending--;
    });
    void tracked;
  }

  /** Sends after every earlier send has settled; a failed send is handed to `onError`, not thrown. */
  sendInOrder(send: () => Promise<unknown>, onError: (err: unknown) => void): void {
    this.pending++;
    this.outbox = this.outbox
      .then(send)
      .catch(onError)
      .finally(() => {
        this.pending--;
      });
  }

  /** Nothing may be in flight when the run ends or continues as new, or accepted work is lost. */
  quiescent(): boolean {
    return allHandlersFinished() && this.pending === 0;
  }
}

/**
 * Registers an update that runs in the serial queue: `validator` turns away what it can before the
 * update is accepted, `handler` (which re-checks in the queue) does the work. The handler is given
 * the update's ID, read when the update arrives (it runs later, from the queue).
 */
export function handleSerially<I, R>(
  queue: SerialQueue,
  definition: UpdateDefinition<R, [I]>,
  validator: (input: I) => void,
  handler: (input: I, updateId: string | undefined) => Promise<R>,
): void {
  setHandler(
    definition,
    (input: I) => {
      const updateId = currentUpdateInfo()?.id;
      return queue.serially(() => handler(input, updateId));
    },
    { validator },
  );
}
