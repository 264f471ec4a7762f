// Every message `incident:INC-N` handles, registered before the workflow's first await so an update
// sent right after the start is never rejected. Each group lives in handlers/: the incident's own
// lifecycle and timeline, then the children it starts (grants, flag rollbacks, sandboxes).

import { registerAccessHandlers } from './handlers/access.js';
import { registerFlagHandlers } from './handlers/flags.js';
import { registerLifecycleHandlers } from './handlers/lifecycle.js';
import { registerSandboxHandlers } from './handlers/sandbox.js';
import type { IncidentRuntime } from './state.js';

export function registerIncidentHandlers(rt: IncidentRuntime): void {
  registerLifecycleHandlers(rt);
  registerAccessHandlers(rt);
  // Also starts the watcher that asks about flags still rolled back when the incident resolves.
  registerFlagHandlers(rt);
  registerSandboxHandlers(rt);
}
