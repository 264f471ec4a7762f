// One Octokit per credential for every GitHub call Firebreak makes. The client itself retries
// almost nothing: a rate limit becomes an ApplicationFailure carrying GitHub's own wait, so the
// Temporal activity retry waits it out instead of a request loop inside the activity.

import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import type { GitHubConfig } from '../../domain/config.js';
import type { Logger } from '../../worker/logger.js';
import { splitRepo } from './refs.js';

const GitHubOctokit = Octokit.plugin(throttling, retry);
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

export interface GitHubApiOptions {
  logger: Logger;
  /**
   * Pace content writes as GitHub asks (one write a second, three seconds between writes that
   * notify people). Tests against the stand-in turn it off to stay fast.
   */
  paceWrites?: boolean;
}

export function createGitHubApi(config: GitHubConfig, options: GitHubApiOptions): GitHubApi {
  const make = (auth: Record<string, unknown> | string | undefined) =>
    new GitHubOctokit({
      baseUrl: config.apiUrl.replace(/\/+$/, ''),
      userAgent: 'firebreak',
      ...(typeof auth === 'string' || auth === undefined ? { auth } : { authStrategy: createAppAuth, auth }),
      log: { debug: () => {}, info: () => {}, warn: (m: string) => options.logger.warn(m), error: (m: string) => options.logger.error(m) },
      // One quick retry for a dropped connection or a 5xx; 429 is left to Temporal with its delay.
      retry: { retries: 1, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
      throttle: {
        enabled: options.paceWrites ?? true,
        onRateLimit: () => false,
        onSecondaryRateLimit: () => false,
      },
    });

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
