// The Slack Web API as the notifier activity sees it. The WebClient never retries on its own and
// rejects rate-limited calls at once: Temporal owns retries, so a 429 becomes an ApplicationFailure
// whose `nextRetryDelay` is Slack's Retry-After, and the worker slot is free while we wait.

import { ErrorCode, WebClient } from '@slack/web-api';
import { ApplicationFailure } from '@temporalio/common';

export type SlackArgs = Record<string, unknown>;
export type SlackResult = Record<string, unknown> & { ok?: boolean };

/** One method call against the Slack Web API; the seam tests and the notifier share. */
export interface SlackApi {
  call<T extends SlackResult = SlackResult>(method: string, args: SlackArgs): Promise<T>;
}

/** Slack answered `{ ok: false, error }`; callers decide what e.g. `channel_not_found` means. */
export class SlackCallError extends Error {
  override name = 'SlackCallError';
  constructor(
    readonly method: string,
    readonly error: string,
  ) {
    super(`Slack ${method} failed: ${error}`);
  }
}

export function createSlackWebClient(options: { token: string; apiUrl: string; timeoutMs?: number }): WebClient {
  return new WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
  });
}

export function createSlackApi(client: WebClient): SlackApi {
  return {
    async call<T extends SlackResult>(method: string, args: SlackArgs): Promise<T> {
      try {
        return (await client.apiCall(method, args)) as T;
      } catch (err) {
        throw translateSlackError(method, err);
      }
    },
  };
}

export function translateSlackError(method: string, err: unknown): unknown {
  const coded = err as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (coded?.code === ErrorCode.RateLimitedError) {
    const seconds = Math.max(1, Math.ceil(coded.retryAfter ?? 1));
    return ApplicationFailure.create({
      type: 'SlackRateLimited',
      message: `Slack rate-limited ${method}; retrying in ${seconds}s`,
      nextRetryDelay: `${seconds}s`,
    });
  }
  if (coded?.code === ErrorCode.PlatformError && coded.data?.error) return new SlackCallError(method, coded.data.error);
  return err;
}

export function isSlackError(err: unknown, ...codes: string[]): err is SlackCallError {
  return err instanceof SlackCallError && (codes.length === 0 || codes.includes(err.error));
}
