// What the HTTP server offers and who may use it: its port, the codec endpoint the Temporal UI
// calls, and the dashboard's bearer token and Sign in with Slack.

import { readSlackApiUrl } from './integrations.js';
import type { EncryptionKey } from './keys.js';
import { HTTP, fail, read, type Env } from './parse.js';

export interface CodecConfig {
  /** Bearer token the Temporal UI presents to POST /codec/*; without it the codec endpoint is off. */
  codecToken?: string;
  /** Origins allowed to call the codec endpoint from a browser (TEMPORAL_UI_ORIGIN). */
  temporalUiOrigins: string[];
}

export interface DashboardConfig {
  dashboardToken?: string;
  /** Sign in with Slack (OpenID Connect) for the dashboard: SLACK_CLIENT_ID + SLACK_CLIENT_SECRET. */
  dashboardSlack?: { clientId: string; clientSecret: string; apiUrl: string };
  /** Signs dashboard session cookies (DASHBOARD_SESSION_SECRET); derived from the sign-in secrets when unset. */
  dashboardSessionSecret?: string;
}

export function readPort(env: Env): number {
  const value = read(env, 'PORT');
  if (value === undefined) return 3000;
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535)) fail('PORT', `expected a TCP port 1-65535, got ${JSON.stringify(value)}`);
  return port;
}

export function readCodec(env: Env, keys: EncryptionKey[]): CodecConfig {
  const codecToken = read(env, 'FIREBREAK_CODEC_TOKEN');
  if (codecToken !== undefined && codecToken.length < 16) {
    fail('FIREBREAK_CODEC_TOKEN', `too short (${codecToken.length} characters); use 16 or more, e.g. openssl rand -hex 32`);
  }
  if (codecToken !== undefined && keys.length === 0) fail('FIREBREAK_CODEC_TOKEN', 'set, but FIREBREAK_ENCRYPTION_KEYS is not; the codec endpoint has nothing to decode with');
  const origins = (read(env, 'TEMPORAL_UI_ORIGIN') ?? 'http://localhost:8233').split(',').map((origin) => {
    const value = origin.trim();
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    // An origin is scheme://host[:port]; a path would never match the browser's Origin header.
    if (!url || !(HTTP as readonly string[]).includes(url.protocol) || url.origin !== value.replace(/\/+$/, '')) {
      fail('TEMPORAL_UI_ORIGIN', `expected origins like "https://temporal.acme.dev" (scheme, host, port; no path), got ${JSON.stringify(value)}`);
    }
    return url.origin;
  });
  return { codecToken, temporalUiOrigins: origins };
}

function readDashboardToken(env: Env): string | undefined {
  const token = read(env, 'DASHBOARD_TOKEN');
  if (token !== undefined && token.length < 16) fail('DASHBOARD_TOKEN', `too short (${token.length} characters); use 16 or more, e.g. openssl rand -hex 16`);
  return token;
}

export function readDashboard(env: Env, publicUrl: string | undefined): DashboardConfig {
  const clientId = read(env, 'SLACK_CLIENT_ID');
  const clientSecret = read(env, 'SLACK_CLIENT_SECRET');
  if (clientId !== undefined && clientSecret === undefined) fail('SLACK_CLIENT_SECRET', 'missing; Sign in with Slack needs it next to SLACK_CLIENT_ID (Slack app settings, Basic Information)');
  if (clientId === undefined && clientSecret !== undefined) fail('SLACK_CLIENT_ID', 'missing; Sign in with Slack needs it next to SLACK_CLIENT_SECRET (Slack app settings, Basic Information)');
  if (clientId !== undefined && !/^[0-9]+\.[0-9]+$/.test(clientId)) fail('SLACK_CLIENT_ID', 'expected the numeric client ID like "1234567890.0987654321" from the Slack app settings');
  if (clientId !== undefined && publicUrl === undefined) fail('PUBLIC_URL', 'missing; Sign in with Slack (SLACK_CLIENT_ID) builds its redirect URL from it');
  const sessionSecret = read(env, 'DASHBOARD_SESSION_SECRET');
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    fail('DASHBOARD_SESSION_SECRET', `too short (${sessionSecret.length} characters); use 32 or more, e.g. openssl rand -hex 32`);
  }
  return {
    dashboardToken: readDashboardToken(env),
    dashboardSlack: clientId && clientSecret ? { clientId, clientSecret, apiUrl: readSlackApiUrl(env) } : undefined,
    dashboardSessionSecret: sessionSecret,
  };
}
