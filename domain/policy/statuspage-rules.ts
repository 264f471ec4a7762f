// The status page components a command may name, read from a parsed `statusPage:` section. Apart
// from the schema (statuspage.ts) because workflow code calls it (see paging-rules.ts for why).

import type { StatusPageComponent, StatusPagePolicy } from './statuspage.js';

/** The component a command named, in any letter case. */
export function findComponent(page: StatusPagePolicy | undefined, wanted: string): StatusPageComponent | undefined {
  return page?.components.find((c) => c.name.toLowerCase() === wanted.toLowerCase());
}
