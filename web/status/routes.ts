// The public status page on the one HTTP server: GET /status, /status.json and /status.atom, with no
// sign-in and no script. Only what `statuspage` commands published is read (db/queries/statuspage.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../../db/client.js';
import { readStatusPage } from '../../db/queries/statuspage.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Route } from '../../platform/http/server.js';
import { buildStatusPage, HISTORY_DAYS, type StatusPageView } from './data.js';
import { renderStatusAtom, renderStatusHtml } from './render.js';

export interface StatusPageDeps {
  db: Database;
  policy: Policy | (() => Policy);
  /** Where people reach Firebreak (PUBLIC_URL), for the feed's links; never taken from the request. */
  publicUrl?: string;
  now?: () => Date;
}

export const STATUS_PAGE_OFF = 'The status page is off: add a statusPage section to the policy file.';

const HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Customers reload during an outage; a few seconds of caching spares the database.
  'cache-control': 'public, max-age=15',
};

export function statusPageRoutes(deps: StatusPageDeps): Route[] {
  const policyNow = typeof deps.policy === 'function' ? deps.policy : () => deps.policy as Policy;
  const now = deps.now ?? (() => new Date());

  async function view(res: ServerResponse): Promise<StatusPageView | undefined> {
    const page = policyNow().statusPage;
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`${STATUS_PAGE_OFF}\n`);
      return undefined;
    }
    const at = now();
    const rows = await readStatusPage(deps.db, new Date(at.getTime() - HISTORY_DAYS * 86_400_000));
    return buildStatusPage(page, rows, at);
  }

  const serve = (type: string, render: (v: StatusPageView) => string) => async (_req: IncomingMessage, res: ServerResponse) => {
    const v = await view(res);
    if (!v) return;
    res.writeHead(200, { 'content-type': type, ...HEADERS });
    res.end(render(v));
  };

  return [
    { method: 'GET', path: '/status', handler: serve('text/html; charset=utf-8', renderStatusHtml) },
    { method: 'GET', path: '/status.json', handler: serve('application/json; charset=utf-8', (v) => `${JSON.stringify(v, null, 2).replace(/</g, '\\u003c')}\n`) },
    { method: 'GET', path: '/status.atom', handler: serve('application/atom+xml; charset=utf-8', (v) => renderStatusAtom(v, deps.publicUrl)) },
  ];
}
