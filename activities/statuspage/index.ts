// Writes what customers read on /status. The only way public text is stored: the incident workflow
// calls this after `statuspage open|update|resolve` was allowed, and the text is redacted here with
// the incident's redactor before it reaches the table, whatever the front-end did before.

import type { Database } from '../../db/client.js';
import { applyPublicUpdate } from '../../db/queries/statuspage.js';
import type { Redactor } from '../../domain/redact.js';
import type { PublicUpdate, PublishedPublicUpdate } from '../../domain/statuspage.js';

export interface StatusPageActivityDeps {
  db: Database;
  redactor: Redactor;
}

export function createStatusPageActivities({ db, redactor }: StatusPageActivityDeps) {
  return {
    /** Idempotent by incident and sequence: a retried activity returns the row the first try wrote. */
    async publishPublicUpdate(input: PublicUpdate): Promise<PublishedPublicUpdate> {
      const scoped = redactor.forIncident(input.incident);
      const { applied, row } = await applyPublicUpdate(db, { ...input, text: scoped.redact(input.text), title: scoped.redact(input.title) });
      return { applied, text: row.text, publishedAt: row.publishedAt.toISOString() };
    },
  };
}
