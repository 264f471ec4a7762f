// Every public update the incident published is copied to the external status page the policy names
// (statusPage.mirror), beside the serial queue like a page to PagerDuty: a slow or rate-limited
// provider holds no other update of the incident. The copies go out one after another, so an update
// never reaches the provider before the incident it amends; each is sent once (the activity keeps a
// row per update), and one the provider refuses for good is put on the timeline.

import { log, patched, proxyActivities } from '@temporalio/workflow';
import type { StatusPageMirrorActivities } from '../../activities/statuspage/mirror.js';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import type { IncidentRuntime } from './state.js';

const MIRROR_PATCH = 'statuspage-mirror';

// Rate limits and outages are waited out for up to an hour; a bad key, page or component ID is not
// fixed by retrying, so those fail at once and reach the timeline.
const mirror = proxyActivities<StatusPageMirrorActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes: ['StatusPageMirrorRefused', 'StatusPageMirrorNotConfigured'] },
});

/** Why the copy did not go through, without the stack: an activity failure wraps the provider's answer. */
function failureText(err: unknown): string {
  const cause = (err as { cause?: { message?: string } })?.cause;
  return cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** A function that queues one public update's copy behind the ones before it. */
export function createStatusPageMirror(rt: IncidentRuntime): (sequence: number) => void {
  let previous: Promise<unknown> = Promise.resolve();
  return (sequence) => {
    if (!rt.policy().statusPage?.mirror || !patched(MIRROR_PATCH)) return;
    const incident = rt.name;
    const step = previous.then(() =>
      mirror.mirrorPublicUpdate({ incident, sequence }).catch((err: unknown) => {
        log.warn('public update not mirrored', { incident, sequence, error: failureText(err) });
        return rt.serially(() =>
          rt.record('note', SYSTEM_ACTOR, `Public update ${sequence} did not reach the external status page: ${failureText(err)}`, {
            details: { statusPageMirror: { sequence, failed: true } },
          }),
        );
      }),
    );
    previous = step.catch(() => undefined);
    rt.track(previous);
  };
}
