// Pacing of outbound writes that never waits inside an activity. When Firebreak's own budget (GitHub
// asks for a second between writes, three between writes that notify people) or the sink itself
// (a rate limit with Retry-After) says "not yet", the activity fails at once with a retryable
// ApplicationFailure whose nextRetryDelay is the wait. Temporal keeps that wait on a server-side
// timer: the worker slot is free meanwhile, a shutdown never waits for a paced write, and an
// incident's own activities (persisting an event) are never queued behind paced notifications.
//
// That is also why slow sinks get no task queue of their own: with no wait inside activities, a
// notification holds a slot only for its HTTP calls, each bounded by a timeout. A second queue would
// need a second worker and every workflow's proxies changed, to guard against a wait that is gone.

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

// A turn due this soon is taken now: going a little early costs less than a Temporal round trip.
const EARLY_MS = 50;
// A turn kept for an activity whose retry never came back here (another worker took it, the
// workflow ended) is forgotten after this long.
const FORGET_AFTER_MS = 10 * 60_000;

/**
 * One sink's write budget: one write per `intervalMs`, nobody before a sink-imposed `blockedUntil`.
 * A caller told to wait keeps its turn, so its retry goes first instead of racing newcomers.
 */
export class WritePacer {
  private nextFreeAt = 0;
  private blockedUntil = 0;
  private readonly turns = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 if `caller` may write now (and takes the turn); otherwise milliseconds until its turn. */
  wait(caller: string): number {
    const now = this.now();
    let at = this.turns.get(caller);
    if (at === undefined || at < this.blockedUntil) {
      at = Math.max(now, this.nextFreeAt, this.blockedUntil);
      this.nextFreeAt = at + this.intervalMs;
    }
    if (at <= now + EARLY_MS) {
      this.turns.delete(caller);
      return 0;
    }
    this.forgetOld(now);
    this.turns.set(caller, at);
    return at - now;
  }

  /** A write outside any activity (a webhook's reply) goes at once; it still uses up a turn. */
  record(): void {
    this.nextFreeAt = Math.max(this.now(), this.nextFreeAt) + this.intervalMs;
  }

  /** The sink said to wait until `until` (epoch ms): no write from here before then. */
  block(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  private forgetOld(now: number): void {
    for (const [caller, at] of this.turns) if (at < now - FORGET_AFTER_MS) this.turns.delete(caller);
  }
}

/** The running activity attempt's identity across retries, or undefined outside activities. */
export function activityCaller(): string | undefined {
  let info: Context['info'];
  try {
    info = Context.current().info;
  } catch {
    return undefined;
  }
  return `${info.workflowExecution?.workflowId ?? ''}/${info.workflowExecution?.runId ?? ''}/${info.activityId}`;
}

/** The running activity's cancellation (worker shutdown, workflow cancelled), if in one. */
export function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

/** The retryable failure that hands a wait to Temporal; `type` names the sink and the reason. */
export function waitFailure(type: string, message: string, waitMs: number): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nextRetryDelay: Math.max(1, Math.ceil(waitMs)) });
}

/** A failure that asks Temporal to wait before the retry: a sink's rate limit or our own pacing. */
export function isWaitFailure(err: unknown): err is ApplicationFailure {
  return err instanceof ApplicationFailure && !err.nonRetryable && err.nextRetryDelay !== undefined && err.nextRetryDelay !== null;
}
