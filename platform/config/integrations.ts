// The outside systems Firebreak talks to: Slack, GitHub, and the flag systems (Unleash,
// LaunchDarkly, with Prometheus to verify a rollback). Each is optional, but half of one is an error.

import { HTTP, fail, read, readUrl, type Env } from './parse.js';

export interface SlackConfig {
  mode: 'socket' | 'http';
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl: string;
}

export type GitHubAuth = { kind: 'token'; token: string } | { kind: 'app'; appId: string; privateKey: string };

export interface GitHubConfig {
  auth: GitHubAuth;
  webhookSecret?: string;
  apiUrl: string;
}

export interface FlagSystemsConfig {
  unleash?: { url: string; adminToken: string };
  launchDarkly?: { apiToken: string; apiUrl: string };
  /** Prometheus-compatible query API that verifies flag rollbacks. */
  prometheusUrl?: string;
}

function readToken(env: Env, name: string, prefix: string, kind: string): string | undefined {
  const value = read(env, name);
  if (value !== undefined && !value.startsWith(prefix)) {
    fail(name, `expected a Slack ${kind} starting with "${prefix}", got one starting with ${JSON.stringify(value.slice(0, 5))}`);
  }
  return value;
}

export function readSlack(env: Env): SlackConfig | undefined {
  const names = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_API_URL'];
  const firstSet = names.find((n) => read(env, n) !== undefined);
  if (firstSet === undefined) return undefined;
  const botToken = readToken(env, 'SLACK_BOT_TOKEN', 'xoxb-', 'bot token') ?? fail('SLACK_BOT_TOKEN', `missing; Slack needs it because ${firstSet} is set`);
  const appToken = readToken(env, 'SLACK_APP_TOKEN', 'xapp-', 'app-level token');
  const signingSecret = read(env, 'SLACK_SIGNING_SECRET');
  if (appToken === undefined && signingSecret === undefined) {
    fail('SLACK_SIGNING_SECRET', 'missing; Slack over HTTP needs it to verify requests (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  return {
    mode: appToken ? 'socket' : 'http',
    botToken,
    signingSecret,
    appToken,
    apiUrl: readSlackApiUrl(env),
  };
}

/** Bolt and Sign in with Slack both call Slack's Web API here. */
export function readSlackApiUrl(env: Env): string {
  return readUrl(env, 'SLACK_API_URL', HTTP) ?? 'https://slack.com/api/';
}

function readGitHubAuth(env: Env): GitHubAuth | undefined {
  const token = read(env, 'GITHUB_TOKEN');
  const appId = read(env, 'GITHUB_APP_ID');
  const rawKey = read(env, 'GITHUB_APP_PRIVATE_KEY');
  if (token !== undefined && (appId !== undefined || rawKey !== undefined)) {
    fail('GITHUB_TOKEN', `set together with ${appId !== undefined ? 'GITHUB_APP_ID' : 'GITHUB_APP_PRIVATE_KEY'}; use either a token or a GitHub App, not both`);
  }
  if (token !== undefined) return { kind: 'token', token };
  if (appId === undefined && rawKey === undefined) return undefined;
  if (appId === undefined) fail('GITHUB_APP_ID', 'missing; GITHUB_APP_PRIVATE_KEY is set and needs the App ID next to it');
  if (rawKey === undefined) fail('GITHUB_APP_PRIVATE_KEY', 'missing; GITHUB_APP_ID is set and needs the App private key next to it');
  if (!/^[0-9]+$/.test(appId)) fail('GITHUB_APP_ID', `expected the numeric App ID, got ${JSON.stringify(appId)}`);
  // Keys pasted into a single-line variable usually carry `\n` escapes instead of newlines.
  const privateKey = rawKey.replace(/\\n/g, '\n');
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    fail('GITHUB_APP_PRIVATE_KEY', 'expected a PEM private key ("-----BEGIN RSA PRIVATE KEY-----…"), as downloaded from the App settings');
  }
  return { kind: 'app', appId, privateKey };
}

export function readGitHub(env: Env): GitHubConfig | undefined {
  const auth = readGitHubAuth(env);
  const webhookSecret = read(env, 'GITHUB_WEBHOOK_SECRET');
  const apiUrl = readUrl(env, 'GITHUB_API_URL', HTTP);
  if (auth === undefined) {
    const dangling = webhookSecret !== undefined ? 'GITHUB_WEBHOOK_SECRET' : apiUrl !== undefined ? 'GITHUB_API_URL' : undefined;
    if (dangling) fail('GITHUB_TOKEN', `missing; ${dangling} is set, so set GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY`);
    return undefined;
  }
  return { auth, webhookSecret, apiUrl: apiUrl ?? 'https://api.github.com' };
}

export function readFlagSystems(env: Env): FlagSystemsConfig {
  const unleashUrl = readUrl(env, 'UNLEASH_URL', HTTP);
  const unleashToken = read(env, 'UNLEASH_ADMIN_TOKEN');
  if (unleashUrl !== undefined && unleashToken === undefined) fail('UNLEASH_ADMIN_TOKEN', 'missing; UNLEASH_URL is set and needs an admin API token');
  if (unleashUrl === undefined && unleashToken !== undefined) fail('UNLEASH_URL', 'missing; UNLEASH_ADMIN_TOKEN is set and needs the Unleash server URL');
  const ldToken = read(env, 'LAUNCHDARKLY_API_TOKEN');
  const ldUrl = readUrl(env, 'LAUNCHDARKLY_API_URL', HTTP);
  if (ldUrl !== undefined && ldToken === undefined) fail('LAUNCHDARKLY_API_TOKEN', 'missing; LAUNCHDARKLY_API_URL is set and needs an API access token');
  return {
    unleash: unleashUrl && unleashToken ? { url: unleashUrl, adminToken: unleashToken } : undefined,
    launchDarkly: ldToken ? { apiToken: ldToken, apiUrl: ldUrl ?? 'https://app.launchdarkly.com' } : undefined,
    prometheusUrl: readUrl(env, 'PROMETHEUS_URL', HTTP)?.replace(/\/+$/, ''),
  };
}
