// "Sign in with Slack" (OpenID Connect, authorization-code flow). State and nonce travel in a
// signed, short-lived cookie; the ID token comes straight from Slack's token endpoint over TLS, so
// its claims are checked (issuer, audience, expiry, nonce) without fetching Slack's signing keys
// (OIDC Core 3.1.3.7). The Slack user must be a policy person allowed to open the dashboard.

import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { isAllowed } from '../domain/policy/permissions.js';
import { findPersonByActor } from '../domain/policy/lookup.js';
import type { Policy } from '../domain/policy/index.js';
import type { DashboardSlackSignIn } from './deps.js';
import { constantTimeEqual, openJson, sealJson, type SessionKeys } from './session.js';

export const OIDC_COOKIE = 'firebreak_oidc';
export const OIDC_COOKIE_PATH = '/auth/slack';
export const OIDC_TTL_SECONDS = 600;
const AUTHORIZE_URL = 'https://slack.com/openid/connect/authorize';

interface PendingSignIn {
  state: string;
  nonce: string;
  next: string;
  exp: number;
}

export function redirectUri(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${OIDC_COOKIE_PATH}/callback`;
}

/** The authorize URL to send the browser to, and the signed cookie value that remembers it. */
export function beginSignIn(slack: DashboardSlackSignIn, publicUrl: string, keys: SessionKeys, next: string, nowMs: number): { location: string; cookie: string } {
  const pending: PendingSignIn = {
    state: randomBytes(18).toString('base64url'),
    nonce: randomBytes(18).toString('base64url'),
    next,
    exp: Math.floor(nowMs / 1000) + OIDC_TTL_SECONDS,
  };
  const url = new URL(slack.authorizeUrl ?? AUTHORIZE_URL);
  url.search = new URLSearchParams({
    response_type: 'code',
    scope: 'openid profile',
    client_id: slack.clientId,
    state: pending.state,
    nonce: pending.nonce,
    redirect_uri: redirectUri(publicUrl),
  }).toString();
  return { location: url.toString(), cookie: sealJson(keys, pending) };
}

export type SignInResult = { ok: true; person: string; next: string } | { ok: false; status: number; message: string };

async function slackCall(fetchFn: typeof fetch, slack: DashboardSlackSignIn, method: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetchFn(`${slack.apiUrl}${method}`, { ...init, signal: AbortSignal.timeout(10_000) });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok || body.ok !== true) throw new Error(`${method} failed: ${typeof body.error === 'string' ? body.error : `HTTP ${res.status}`}`);
  return body;
}

export interface CallbackInput {
  slack: DashboardSlackSignIn;
  publicUrl: string;
  keys: SessionKeys;
  policy: Policy;
  params: URLSearchParams;
  cookie: string | undefined;
  nowMs: number;
  fetch: typeof fetch;
}

/** Checks the callback against the pending sign-in, exchanges the code and maps the Slack user. */
export async function completeSignIn(input: CallbackInput): Promise<SignInResult> {
  const { slack, params } = input;
  const pending = openJson(input.keys, input.cookie) as Partial<PendingSignIn> | undefined;
  const state = params.get('state') ?? '';
  if (!pending || typeof pending.state !== 'string' || typeof pending.nonce !== 'string' || typeof pending.exp !== 'number' || pending.exp * 1000 <= input.nowMs) {
    return { ok: false, status: 400, message: 'That sign-in expired or started in another browser; start again.' };
  }
  if (!constantTimeEqual(state, pending.state)) return { ok: false, status: 400, message: 'The sign-in state does not match; start again.' };
  if (params.get('error')) return { ok: false, status: 401, message: 'Slack did not sign you in; try again.' };
  const code = params.get('code');
  if (!code) return { ok: false, status: 400, message: 'Slack sent no authorization code; start again.' };

  const token = await slackCall(input.fetch, slack, 'openid.connect.token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: slack.clientId, client_secret: slack.clientSecret, code, grant_type: 'authorization_code', redirect_uri: redirectUri(input.publicUrl) }),
  });
  const claims = decodeJwt(String(token.id_token ?? ''));
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== 'https://slack.com' || !audience.includes(slack.clientId) || typeof claims.exp !== 'number' || claims.exp * 1000 <= input.nowMs) {
    return { ok: false, status: 401, message: 'Slack returned an ID token for another app or one that expired; start again.' };
  }
  if (typeof claims.nonce !== 'string' || !constantTimeEqual(claims.nonce, pending.nonce)) return { ok: false, status: 401, message: 'The sign-in nonce does not match; start again.' };
  const info = await slackCall(input.fetch, slack, 'openid.connect.userInfo', {
    method: 'POST',
    headers: { authorization: `Bearer ${String(token.access_token ?? '')}` },
  });
  if (info.sub !== claims.sub) return { ok: false, status: 401, message: 'Slack returned a different user than it signed in; start again.' };
  const userId = String(info['https://slack.com/user_id'] ?? claims['https://slack.com/user_id'] ?? info.sub);
  const person = findPersonByActor(input.policy, { source: 'slack', id: userId });
  if (!person) return { ok: false, status: 403, message: 'Your Slack account is not in the Firebreak policy; ask an admin to add you to a team.' };
  const decision = isAllowed(input.policy, 'dashboard', { person: person.name, incidentRoles: {} });
  if (!decision.allowed) return { ok: false, status: 403, message: decision.reason };
  return { ok: true, person: person.name, next: typeof pending.next === 'string' ? pending.next : '/' };
}
