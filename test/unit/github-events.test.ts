// The GitHub front-end's handlers are registered by event name: events Firebreak does not act on,
// or from repositories the policy does not list, are answered without Temporal or the database.

import { readFileSync } from 'node:fs';
import { Webhooks, type EmitterWebhookEvent } from '@octokit/webhooks';
import { describe, expect, it } from 'vitest';
import type { GitHubFrontEnd } from '../../bots/github/context.js';
import { registerEventHandlers } from '../../bots/github/events.js';
import { renderCommandReply, replyText } from '../../bots/github/replies.js';
import { replyRedactor } from '../../bots/render/redaction.js';
import { parsePolicy } from '../../domain/policy/index.js';

const policy = parsePolicy(readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8'), 'test/fixtures/policy.yaml');

/** A front-end whose Temporal and database fail the test if any handler reaches them. */
function frontEnd(): GitHubFrontEnd {
  const untouchable = new Proxy({}, { get: (_, name) => { throw new Error(`reached ${String(name)}`); } });
  return { client: untouchable, taskQueue: 'unused', db: untouchable, policy, api: { botLogin: async () => 'firebreak[bot]' }, logger: untouchable } as unknown as GitHubFrontEnd;
}

const event = (name: string, payload: Record<string, unknown>) => ({ id: 'delivery-1', name, payload }) as unknown as EmitterWebhookEvent;
const repo = (full_name: string) => ({ full_name });

describe('GitHub event handlers', () => {
  const translate = registerEventHandlers(frontEnd(), new Webhooks({ secret: 'unit-test-secret' }));

  it('answers a ping', async () => {
    expect(await translate(event('ping', { zen: 'Keep it logically awesome.' }))).toEqual({ result: 'pong' });
  });

  it('ignores events and actions it has no handler for, by name', async () => {
    expect((await translate(event('push', { ref: 'refs/heads/main' }))).result).toBe('ignored: push events');
    expect((await translate(event('issue_comment', { action: 'deleted', repository: repo('acme/payments') }))).result).toBe('ignored: issue_comment.deleted');
    expect((await translate(event('issues', { action: 'edited', repository: repo('acme/payments') }))).result).toBe('ignored: issues.edited');
  });

  it('ignores repositories the policy does not list', async () => {
    const elsewhere = 'ignored: someone/else is not a repository of the policy';
    expect((await translate(event('issues', { action: 'edited', repository: repo('someone/else') }))).result).toBe(elsewhere);
    const opened = { action: 'opened', repository: repo('someone/else'), issue: { number: 1, labels: [], title: 't', body: null }, sender: { login: 'x' } };
    expect((await translate(event('issues', opened))).result).toBe(elsewhere);
    const comment = { action: 'created', repository: repo('someone/else'), issue: { number: 1 }, comment: { id: 1, body: '/incident sev 1' }, sender: { login: 'x' } };
    expect((await translate(event('issue_comment', comment))).result).toBe(elsewhere);
  });
});

describe('GitHub replies', () => {
  const key = 'acme_live_0123456789abcdefghijklmn';

  it("redact with the policy's own patterns when given the policy's redactor", () => {
    expect(replyText('alice', `the key ${key} leaked`, replyRedactor(policy))).not.toContain(key);
    expect(renderCommandReply('alice', { ok: false, text: `refused for ${key}` }, replyRedactor(policy, 'INC-1'))).not.toContain(key);
  });

  it('redact a value once: a placeholder is not redacted again', () => {
    const body = replyText('alice', 'mail bob@example.com', replyRedactor(policy, 'INC-1'));
    expect(body.match(/REDACTED/g)).toHaveLength(1);
  });
});
