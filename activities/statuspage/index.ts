// Writes what customers read on /status. The only way public text is stored: the incident workflow
// calls this after `statuspage open|update|resolve` was allowed, and the text is redacted here with
// the incident's redactor before it reaches the table, whatever the front-end did before.

import type { Database } from '../../db/client.js';
import { applyPublicUpdate } from '../../db/queries/statuspage.js';
import type { Redactor } from '../../domain/redact.js';
import type { ComponentChange, PublicUpdateVerb } from '../../domain/statuspage.js';

export interface StatusPageActivityDeps {
  db: Database;
  redactor: Redactor;
}

export interface PublishPublicUpdateInput {
  incident: string;
  sequence: number;
  verb: PublicUpdateVerb;
  title: string;
  components: ComponentChange[];
  text: string;
  at: string;
}

export interface PublishedPublicUpdate {
  /** False when a retry found the update already written. */
  applied: boolean;
  /** As stored: redacted. */
  text: string;
  publishedAt: string;
}

export function createStatusPageActivities({ db, redactor }: StatusPageActivityDeps) {
  return {
    /** Idempotent by incident and sequence: a retried activity returns the row the first try wrote. */
    async publishPublicUpdate(input: PublishPublicUpdateInput): Promise<PublishedPublicUpdate> {
      const scoped = redactor.forIncident(input.incident);
      const { applied, row } = await applyPublicUpdate(db, { ...input, text: scoped.redact(input.text), title: scoped.redact(input.title) });
      return { applied, text: row.text, publishedAt: row.publishedAt.toISOString() };
    },
  };
}
