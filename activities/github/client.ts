// One Octokit per credential for every GitHub call Firebreak makes. The client itself retries
// almost nothing and never waits: a rate limit, or Firebreak's own write pacing (activities/shared/pacing.ts),
// becomes an ApplicationFailure carrying the wait, so the Temporal activity retry waits it out on
// the server instead of a request loop (or a queue) inside the activity holding a worker slot.

import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import type { GitHubConfig } from '../../platform/config/index.js';
import type { Logger } from '../../platform/logger.js';
import { activityCaller, activitySignal, waitFailure, WritePacer } from '../shared/pacing.js';
import { splitRepo } from '../../domain/github/refs.js';

// The throttling plugin is not installed: its pacing queues requests inside the calling activity.
// Only its list of routes that notify people is used, to pace those writes as GitHub asks.
const GitHubOctokit = Octokit.plugin(retry);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

export interface GitHubApi {
  auth: GitHubConfig['auth']['kind'];
  /** The client for calls about one repository (an installation token for a GitHub App). */
  forRepo(repo: string): Promise<GitHubOctokit>;
  /** The App itself (JWT auth) for `/app/...` endpoints; undefined with token auth. */
  asApp(): GitHubOctokit | undefined;
  /** The login Firebreak writes as, so its own comments and events can be ignored. */
  botLogin(): Promise<string | undefined>;
}

export interface WritePacing {
  /** Between any two content writes (GitHub: at least one second). */
  writeIntervalMs: number;
  /** Between writes that notify people: issues, comments (GitHub: about three seconds). */
  notifyingWriteIntervalMs: number;
}

export const GITHUB_WRITE_PACING: WritePacing = { writeIntervalMs: 1000, notifyingWriteIntervalMs: 3000 };

export interface GitHubApiOptions {
  logger: Logger;
  /**
   * Pace content writes as GitHub asks (GITHUB_WRITE_PACING unless other intervals are given).
   * Tests against the stand-in turn it off to stay fast.
   */
  paceWrites?: boolean | WritePacing;
  /** Per request, so a hung connection cannot hold an activity slot for the whole activity timeout. */
  requestTimeoutMs?: number;
}

export function createGitHubApi(config: GitHubConfig, options: GitHubApiOptions): GitHubApi {
  const pacing = options.paceWrites === false ? undefined : options.paceWrites === true || options.paceWrites === undefined ? GITHUB_WRITE_PACING : options.paceWrites;
  // One budget for every client of this credential: GitHub counts a token's (or an App's) writes.
  const guard = requestGuard(pacing, options.requestTimeoutMs ?? 10_000);
  const make = (auth: Record<string, unknown> | string | undefined) => {
    const octokit = new GitHubOctokit({
      baseUrl: config.apiUrl.replace(/\/+$/, ''),
      userAgent: 'firebreak',
      ...(typeof auth === 'string' || auth === undefined ? { auth } : { authStrategy: createAppAuth, auth }),
      log: { debug: () => {}, info: () => {}, warn: (m: string) => options.logger.warn(m), error: (m: string) => options.logger.error(m) },
      // One quick retry for a dropped connection or a 5xx; 403 and 429 are left to Temporal with their delay.
      retry: { retries: 1, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    });
    // Registered after the retry plugin, so these run outside it: a paced write is never retried here.
    octokit.hook.before('request', guard.before);
    octokit.hook.error('request', guard.error);
    return octokit;
  };

  if (config.auth.kind === 'token') {
    const client = make(config.auth.token);
    let login: Promise<string | undefined> | undefined;
    return {
      auth: 'token',
      forRepo: async () => client,
      asApp: () => undefined,
      botLogin: () => (login ??= client.rest.users.getAuthenticated().then((r) => r.data.login, () => (login = undefined))),
    };
  }
  const { appId, privateKey } = config.auth;
  const app = make({ appId, privateKey });
  const installations = new Map<string, Promise<GitHubOctokit>>();
  let slug: Promise<string | undefined> | undefined;
  return {
    auth: 'app',
    forRepo(repo) {
      const { owner, name } = splitRepo(repo);
      // Installations belong to an account, so one client per owner serves all its repositories.
      let client = installations.get(owner.toLowerCase());
      if (!client) {
        client = app.rest.apps.getRepoInstallation({ owner, repo: name }).then((r) => make({ appId, privateKey, installationId: r.data.id }));
        client.catch(() => installations.delete(owner.toLowerCase()));
        installations.set(owner.toLowerCase(), client);
      }
      return client;
    },
    asApp: () => app,
    botLogin: () => (slug ??= app.rest.apps.getAuthenticated().then((r) => (r.data?.slug ? `${r.data.slug}[bot]` : undefined), () => (slug = undefined))),
  };
}

interface RequestOptionsLike {
  method: string;
  url: string;
  request?: { signal?: AbortSignal };
}

/**
 * What every request passes through: write pacing (a turn, or a failure saying how long until it),
 * a timeout and the activity's cancellation on the request, and a sink-imposed wait (403 secondary
 * rate limit, 429) remembered so that no write is sent again before GitHub's Retry-After.
 */
function requestGuard(pacing: WritePacing | undefined, timeoutMs: number) {
  const writes = pacing && new WritePacer(pacing.writeIntervalMs);
  const notifying = pacing && new WritePacer(pacing.notifyingWriteIntervalMs);
  return {
    before(options: RequestOptionsLike): void {
      const signals = [AbortSignal.timeout(timeoutMs), activitySignal(), options.request?.signal].filter((s): s is AbortSignal => s !== undefined);
      options.request = { ...options.request, signal: AbortSignal.any(signals) };
      if (!writes || !notifying) return;
      const { method } = options;
      const path = decodeURI(new URL(options.url, 'http://github.test').pathname);
      if (method === 'GET' || method === 'HEAD' || isAuthRequest(method, path)) return;
      const pacers = throttling.triggersNotification(path) ? [writes, notifying] : [writes];
      const caller = activityCaller();
      if (caller === undefined) {
        for (const pacer of pacers) pacer.record();
        return;
      }
      // The caller keeps its turn in each pacer it must wait for; the longest wait decides.
      const wait = Math.max(...pacers.map((pacer) => pacer.wait(`${caller} ${method} ${path}`)));
      if (wait > 0) throw waitFailure('GitHubPaced', `GitHub writes are paced; ${method} ${path} waits ${Math.ceil(wait / 1000)}s`, wait);
    },
    error(err: unknown): never {
      const wait = rateLimitWaitSeconds(err);
      if (wait !== undefined && writes && notifying) {
        writes.block(Date.now() + wait * 1000);
        notifying.block(Date.now() + wait * 1000);
      }
      throw err;
    },
  };
}

/** Installation tokens and OAuth exchanges: credentials, not content, so never paced. */
function isAuthRequest(method: string, path: string): boolean {
  return (
    (method === 'PATCH' && /^\/applications\/[^/]+\/token\/scoped$/.test(path)) ||
    (method === 'POST' && (/^\/applications\/[^/]+\/token$/.test(path) || /^\/app\/installations\/[^/]+\/access_tokens$/.test(path) || path === '/login/oauth/access_token'))
  );
}

interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

function isHttpError(err: unknown): err is HttpErrorLike {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number';
}

/**
 * Seconds GitHub asks us to wait, if the error is a primary or secondary rate limit: `retry-after`
 * first, then the primary limit's reset time, then GitHub's advice of one minute.
 */
export function rateLimitWaitSeconds(err: unknown, now = Date.now()): number | undefined {
  if (!isHttpError(err) || (err.status !== 403 && err.status !== 429)) return undefined;
  const headers = err.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && headers['retry-after'] !== undefined) return Math.max(1, retryAfter);
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']) * 1000;
    return Number.isFinite(reset) ? Math.max(1, Math.ceil((reset - now) / 1000) + 1) : 60;
  }
  if (err.status === 429 || /secondary rate limit/i.test(err.message)) return 60;
  return undefined;
}

/** Client errors that retrying cannot fix (a missing repository, a refused payload). */
const PERMANENT = new Set([400, 401, 404, 410, 422]);

/** Maps GitHub errors to what Temporal should do with them; other errors pass unchanged. */
export function toActivityFailure(err: unknown, what: string): unknown {
  const wait = rateLimitWaitSeconds(err);
  if (wait !== undefined) {
    return ApplicationFailure.create({ type: 'GitHubRateLimited', message: `GitHub rate limit on ${what}; retrying in ${wait}s`, nextRetryDelay: `${wait}s` });
  }
  if (isHttpError(err) && PERMANENT.has(err.status)) {
    return ApplicationFailure.create({ type: `GitHub${err.status}`, message: `GitHub refused ${what}: ${err.status} ${err.message}`, nonRetryable: true });
  }
  return err;
}

export async function github<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toActivityFailure(err, what);
  }
}

export function httpStatus(err: unknown): number | undefined {
  if (isHttpError(err)) return err.status;
  // Failures made by toActivityFailure carry the status in their type, e.g. `GitHub404`.
  const m = err instanceof ApplicationFailure ? /^GitHub(\d{3})$/.exec(err.type ?? '') : null;
  return m ? Number(m[1]) : undefined;
}
