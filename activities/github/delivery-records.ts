// What a GitHub delivery writes to Postgres, run by workflows so the webhook writes nothing: the
// record that a delivery was processed (the redelivery schedule skips it) and the link between an
// incident and the issue that declared it. Database-only, so every worker registers them.

import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db/client.js';
import { ensureLink, LinkTakenError } from '../../db/queries/links.js';
import { once } from '../shared/once.js';

/** The processed_requests key the redelivery schedule reads to skip a delivery already handled. */
export const deliveryRecordKey = (deliveryId: string): string => `github-delivery:${deliveryId}`;

export function createGitHubRecordActivities(deps: { db: Database }) {
  return {
    async recordGitHubDelivery(input: { deliveryId: string; event: string; result: string }): Promise<void> {
      await once(deps.db, { key: deliveryRecordKey(input.deliveryId), kind: 'github.delivery' }, async () => ({ event: input.event, outcome: input.result }));
    },

    /** The issue a declaration came from becomes the incident's issue (not a tracking issue Firebreak opened). */
    async linkGitHubIssue(input: { incident: string; issue: string }): Promise<void> {
      try {
        await ensureLink(deps.db, { incidentKey: input.incident, kind: 'github-issue', externalId: input.issue, data: { tracking: false } });
      } catch (err) {
        // Another incident holds the issue: no retry changes that.
        if (err instanceof LinkTakenError) throw ApplicationFailure.create({ type: 'LinkTaken', message: err.message, nonRetryable: true });
        throw err;
      }
    },
  };
}

export type GitHubRecordActivities = ReturnType<typeof createGitHubRecordActivities>;
