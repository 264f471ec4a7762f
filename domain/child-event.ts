// What a workflow sends to record one transition of something an incident owns (a grant, a
// sandbox, a postmortem). It is an activity input, so it is written into workflow histories: its
// shape is a contract with every recorded and running workflow, defined here rather than beside
// the query that stores it.

import type { Actor } from './incident.js';

export interface ChildEventFields {
  incident: string;
  /** `<key>:<seq>`: the same on every activity retry and workflow replay. */
  idempotencyKey: string;
  at: string;
  actor: Actor;
  /** `access.approve`, `sandbox.ready`, `action.add`, … */
  action: string;
  text: string;
  details: Record<string, unknown>;
}
