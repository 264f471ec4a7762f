// The dashboard's HTTP routes, mounted on the one server (platform/http/server.ts) after every other route.
// Paths are exact except `/incidents/*`, so nothing here can shadow /slack, /github, /healthz,
// /readyz, /metrics, /access or /codec. Without a sign-in method configured the dashboard is off.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../platform/http/server.js';
import { bearerToken } from '../platform/http/bearer.js';
import { readText } from '../platform/http/read-body.js';
import { parseIncidentKey } from '../domain/ids.js';
import type { Policy } from '../domain/policy/index.js';
import type { DashboardDeps } from './deps.js';
import { html } from './render/html.js';
import { page, STYLESHEET } from './render/layout.js';
import { submitActionItem } from './action-form.js';
import { actionsCsv, actionsPage } from './pages/actions.js';
import { chartsPage } from './pages/charts.js';
import type { PageContext, PageResult } from './pages/context.js';
import { incidentPage } from './pages/incident.js';
import { incidentsPage } from './pages/incidents.js';
import { METRICS_PATH, metricsPage } from './pages/metrics.js';
import { overviewPage } from './pages/overview.js';
import { safeNext, signInPage } from './pages/signin.js';
import { isAllowed } from '../domain/policy/permissions.js';
import {
  constantTimeEqual,
  cookieHeader,
  DEFAULT_SESSION_TTL_SECONDS,
  newSession,
  openSession,
  readCookie,
  sealSession,
  SESSION_COOKIE,
  sessionKeys,
  type Session,
} from './session.js';
import { beginSignIn, completeSignIn, OIDC_COOKIE, OIDC_COOKIE_PATH, OIDC_TTL_SECONDS } from './slack-oidc.js';

export const DASHBOARD_OFF = 'The dashboard is off: set DASHBOARD_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for Sign in with Slack.';
const PAGE_PATHS = ['/', '/incidents', METRICS_PATH, '/actions', '/actions.csv', '/charts', '/signin', '/incidents/*', '/auth/slack/*'];
// The largest form (a new action item) is a title, an owner, a date and a CSRF token.
const MAX_FORM_BYTES = 16 * 1024;

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

function sendHtml(res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(`${body}\n`);
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(303, { location, 'cache-control': 'no-store', ...headers });
  res.end();
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(await readText(req, MAX_FORM_BYTES));
}

function offRoutes(): Route[] {
  const off = (_req: IncomingMessage, res: ServerResponse) => sendText(res, 404, DASHBOARD_OFF);
  return [...PAGE_PATHS.map((path) => ({ method: 'GET', path, handler: off })), { method: 'POST', path: '/signin', handler: off }];
}

export function dashboardRoutes(deps: DashboardDeps): Route[] {
  const slack = deps.slack && deps.publicUrl ? deps.slack : undefined;
  if (deps.slack && !deps.publicUrl) deps.logger.warn('Sign in with Slack needs PUBLIC_URL for its redirect URL; it stays off');
  if (!deps.token && !slack) return offRoutes();

  const keys = sessionKeys(deps.sessionSecret ?? `${deps.token ?? ''}\u0000${slack?.clientSecret ?? ''}`);
  const ttl = deps.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  const secure = deps.publicUrl?.startsWith('https://') ?? false;
  const policy = (): Policy => (typeof deps.policy === 'function' ? deps.policy() : deps.policy);
  const now = () => deps.now?.() ?? new Date();

  function authenticate(req: IncomingMessage): Session | undefined {
    const bearer = bearerToken(req);
    if (bearer !== undefined) return deps.token && constantTimeEqual(bearer, deps.token) ? { name: 'token', via: 'token', exp: 0, csrf: '' } : undefined;
    const session = openSession(keys, readCookie(req.headers.cookie, SESSION_COOKIE), now().getTime());
    if (!session) return undefined;
    if (session.via === 'token' && !deps.token) return undefined;
    // A policy change (someone leaves the team) takes effect on the next request, not at expiry.
    if (session.via === 'slack' && (!slack || !isAllowed(policy(), 'dashboard', { person: session.name, incidentRoles: {} }).allowed)) return undefined;
    return session;
  }

  function signIn(res: ServerResponse, status: number, next: string, message?: string): void {
    sendHtml(res, status, signInPage({ token: Boolean(deps.token), slack: Boolean(slack), next, message }));
  }

  function context(req: IncomingMessage, session: Session): PageContext {
    const redactor = deps.redactor;
    return { deps, policy: policy(), redact: (t) => redactor.redact(t), url: new URL(req.url ?? '/', 'http://dashboard'), session, now: now() };
  }

  const pageRoute = (path: string, render: (ctx: PageContext, req: IncomingMessage) => Promise<PageResult | undefined>): Route => ({
    method: 'GET',
    path,
    handler: async (req, res) => {
      const session = authenticate(req);
      if (!session) return signIn(res, 401, safeNext(req.url));
      const result = await render(context(req, session), req);
      if (!result) return sendHtml(res, 404, page({ title: 'Not found', session }, html`<h1>Not found</h1><p>No such incident. <a href="/incidents">All incidents</a></p>`));
      sendHtml(res, result.status, result.html);
    },
  });

  function sessionCookie(session: Session): string {
    return cookieHeader(SESSION_COOKIE, sealSession(keys, session), { maxAgeSeconds: ttl, secure });
  }

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/dashboard.css',
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' });
        res.end(STYLESHEET);
      },
    },
    pageRoute('/', (ctx) => overviewPage(ctx)),
    pageRoute('/incidents', (ctx) => incidentsPage(ctx)),
    pageRoute(METRICS_PATH, (ctx) => metricsPage(ctx)),
    pageRoute('/actions', (ctx) => actionsPage(ctx)),
    pageRoute('/charts', (ctx) => chartsPage(ctx)),
    pageRoute('/incidents/*', (ctx) => {
      const key = parseIncidentKey(ctx.url.pathname.slice('/incidents/'.length));
      const added = ctx.url.searchParams.get('added') ?? undefined;
      return key ? incidentPage(ctx, key, { added: added && /^ACT-\d{1,9}$/.test(added) ? added : undefined }) : Promise.resolve(undefined);
    }),
    {
      method: 'GET',
      path: '/actions.csv',
      handler: async (req, res) => {
        const session = authenticate(req);
        if (!session) return sendText(res, 401, 'Sign in first, or send Authorization: Bearer <DASHBOARD_TOKEN>.', { 'www-authenticate': 'Bearer realm="firebreak-dashboard"' });
        const csv = await actionsCsv(context(req, session));
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${csv.filename}"`,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          ...(csv.truncated ? { 'x-firebreak-truncated': 'true' } : {}),
        });
        res.end(csv.body);
      },
    },
    {
      method: 'GET',
      path: '/signin',
      handler: (req, res) => signIn(res, 200, safeNext(new URL(req.url ?? '/', 'http://dashboard').searchParams.get('next'))),
    },
    {
      method: 'POST',
      path: '/signin',
      handler: async (req, res) => {
        const form = await readForm(req);
        const next = safeNext(form?.get('next'));
        if (!deps.token) return signIn(res, 401, next, 'Sign in with Slack instead; token sign-in is not configured.');
        const given = form?.get('token') ?? '';
        if (!constantTimeEqual(given, deps.token)) return signIn(res, 401, next, 'That token is not right; check DASHBOARD_TOKEN and try again.');
        redirect(res, next, { 'set-cookie': sessionCookie(newSession('token', 'token', now().getTime(), ttl)) });
      },
    },
    {
      method: 'POST',
      path: '/signout',
      handler: async (req, res) => {
        const session = authenticate(req);
        const form = await readForm(req);
        if (session && session.csrf && !constantTimeEqual(form?.get('csrf') ?? '', session.csrf)) return sendText(res, 403, 'The form expired; reload the page and try again.');
        redirect(res, '/signin', { 'set-cookie': cookieHeader(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure }) });
      },
    },
    {
      method: 'POST',
      path: '/incidents/*',
      handler: async (req, res) => {
        const session = authenticate(req);
        if (!session) return signIn(res, 401, '/');
        const form = await readForm(req);
        const ctx = context(req, session);
        const outcome = await submitActionItem(ctx, req, form);
        if (outcome.kind === 'refused') return sendText(res, outcome.status, outcome.message);
        if (outcome.kind === 'added') return redirect(res, `/incidents/${outcome.incident}?added=${outcome.key}`);
        const result = await incidentPage(ctx, outcome.incident, { error: outcome.message, values: outcome.values });
        if (!result) return sendText(res, 404, 'No such incident.');
        sendHtml(res, result.status, result.html);
      },
    },
  ];

  if (slack && deps.publicUrl) {
    const publicUrl = deps.publicUrl;
    const oidcCookie = (value: string, maxAgeSeconds: number) =>
      cookieHeader(OIDC_COOKIE, value, { maxAgeSeconds, secure, sameSite: 'Lax', path: OIDC_COOKIE_PATH });
    routes.push(
      {
        method: 'GET',
        path: '/auth/slack/start',
        handler: (req, res) => {
          const next = safeNext(new URL(req.url ?? '/', 'http://dashboard').searchParams.get('next'));
          const { location, cookie } = beginSignIn(slack, publicUrl, keys, next, now().getTime());
          res.writeHead(302, { location, 'set-cookie': oidcCookie(cookie, OIDC_TTL_SECONDS), 'cache-control': 'no-store' });
          res.end();
        },
      },
      {
        method: 'GET',
        path: '/auth/slack/callback',
        handler: async (req, res) => {
          const result = await completeSignIn({
            slack,
            publicUrl,
            keys,
            policy: policy(),
            params: new URL(req.url ?? '/', 'http://dashboard').searchParams,
            cookie: readCookie(req.headers.cookie, OIDC_COOKIE),
            nowMs: now().getTime(),
            fetch: deps.fetch ?? fetch,
          }).catch((err: unknown) => {
            deps.logger.warn({ err }, 'Sign in with Slack failed');
            return { ok: false as const, status: 502, message: 'Slack did not answer the sign-in; try again in a minute.' };
          });
          const clear = oidcCookie('', 0);
          if (!result.ok) return sendHtml(res, result.status, signInPage({ token: Boolean(deps.token), slack: true, next: '/', message: result.message }), { 'set-cookie': clear });
          // The session cookie is SameSite=Strict and this request came from slack.com, so the
          // browser would not send it on a redirect; a same-site refresh continues instead.
          const session = sessionCookie(newSession(result.person, 'slack', now().getTime(), ttl));
          sendHtml(res, 200, signedInPage(result.next), { 'set-cookie': [session, clear] });
        },
      },
    );
  }
  return routes;
}

function signedInPage(next: string): string {
  const escaped = next.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escaped}"><title>Signed in · Firebreak</title></head><body><p>Signed in. <a href="${escaped}">Continue to the dashboard</a>.</p></body></html>`;
}
