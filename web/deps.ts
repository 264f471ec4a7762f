// What the dashboard needs from the running service. Everything arrives here; nothing in web/
// reads the environment or opens connections of its own.

import type { Database } from '../db/client.js';
import type { ActionPriority } from '../domain/postmortem.js';
import type { Policy } from '../domain/policy/index.js';
import type { Redactor } from '../domain/redact.js';
import type { Logger } from '../platform/logger.js';

export interface DashboardSlackSignIn {
  clientId: string;
  clientSecret: string;
  /** Slack Web API base, ending in `/` (SLACK_API_URL, default https://slack.com/api/). */
  apiUrl: string;
  /** Where browsers are sent to authorize; overridable for tests. */
  authorizeUrl?: string;
}

/** A new action item as the dashboard's form collects it; the postmortem workflow validates it. */
export interface NewActionItemInput {
  incidentKey: string;
  text: string;
  /** Policy person name. */
  owner: string;
  /** `YYYY-MM-DD`. */
  dueDate: string;
  priority: ActionPriority;
  /** Who submitted the form, by policy name ("token" for the shared token). */
  requestedBy: string;
}

export interface DashboardDeps {
  db: Database;
  policy: Policy | (() => Policy);
  redactor: Redactor;
  logger: Logger;
  /** DASHBOARD_TOKEN: sign-in by shared token, and `Authorization: Bearer` for the CSV. */
  token?: string;
  /** Sign in with Slack (OpenID Connect), when configured. */
  slack?: DashboardSlackSignIn;
  /** PUBLIC_URL: the Slack redirect URL is built from it; https turns on Secure cookies. */
  publicUrl?: string;
  /** Signs session cookies; derived from the token or the Slack client secret when absent. */
  sessionSecret?: string;
  sessionTtlSeconds?: number;
  now?: () => Date;
  /** Adds an action item to an incident's postmortem; without it the incident page has no form. */
  addActionItem?: (input: NewActionItemInput) => Promise<{ key: string } | { error: string }>;
  fetch?: typeof fetch;
}
