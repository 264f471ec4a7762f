// What a page handler gets: the dependencies, the request's URL and session, and one "now".

import type { Policy } from '../../domain/policy/index.js';
import type { DashboardDeps } from '../deps.js';
import type { Session } from '../session.js';

export interface PageContext {
  deps: DashboardDeps;
  policy: Policy;
  /** Every free text shown passes through here (DESIGN.md §5). */
  redact: (text: string) => string;
  url: URL;
  session: Session;
  now: Date;
}

export interface PageResult {
  status: number;
  html: string;
}
