// Every message `incident:INC-N` handles, registered before the workflow's first await so an update
// sent right after the start is never rejected. One file per group: the incident's own lifecycle
// (lifecycle.ts, timeline.ts), then the children it starts (access.ts, flags.ts, sandbox.ts).

import { registerAccessHandlers } from './access.js';
import { registerAutomation } from './automation.js';
import { registerFlagHandlers } from './flags.js';
import { registerLifecycleHandlers } from './lifecycle.js';
import { registerPagingHandlers } from './paging.js';
import { registerPrivacyHandlers } from './privacy.js';
import { registerSandboxHandlers } from './sandbox.js';
import { registerStatusPageHandlers } from './statuspage.js';
import { registerTaskHandlers } from './tasks.js';
import type { IncidentRuntime } from './state.js';

export function registerIncidentHandlers(rt: IncidentRuntime): void {
  registerLifecycleHandlers(rt);
  registerAccessHandlers(rt);
  // Also starts the watcher that asks about flags still rolled back when the incident resolves.
  registerFlagHandlers(rt);
  registerSandboxHandlers(rt);
  registerStatusPageHandlers(rt);
  registerPagingHandlers(rt);
  registerTaskHandlers(rt);
  registerPrivacyHandlers(rt);
  // Last: rules start after every other group has seen the event.
  registerAutomation(rt);
}
