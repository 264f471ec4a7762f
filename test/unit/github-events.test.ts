// The GitHub front-end's handlers are registered by event name: events Firebreak does not act on,
// or from repositories the policy does not list, are answered without Temporal or the database.

import { readFileSync } from 'node:fs';
import { Webhooks, type EmitterWebhookEvent } from '@octokit/webhooks';
import { describe, expect, it } from 'vitest';
import type { GitHubFrontEnd } from '../../bots/github/context.js';
import { answeredAtTheDoor, registerEventHandlers } from '../../bots/github/events.js';
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

describe('the webhook door', () => {
  const ours = repo('acme/payments');
  const person = { login: 'alice-gh', type: 'User' };
  const comment = (body: string, sender = person) => event('issue_comment', { action: 'created', repository: ours, issue: { number: 7 }, comment: { id: 1, body }, sender });
  const issue = (action: string, labels: string[], label?: string) => event('issues', { action, repository: ours, issue: { number: 7, labels: labels.map((name) => ({ name })) }, ...(label ? { label: { name: label } } : {}), sender: person });

  it('settles what can do nothing from the payload alone', () => {
    expect(answeredAtTheDoor(policy, comment('the canary again?'))?.result).toBe('ignored: not a command');
    expect(answeredAtTheDoor(policy, comment('/incident sev 1', { login: 'renovate[bot]', type: 'Bot' }))?.result).toBe('ignored: sent by a bot');
    expect(answeredAtTheDoor(policy, issue('opened', ['bug']))?.result).toBe('ignored: no incident label');
    expect(answeredAtTheDoor(policy, issue('labeled', ['incident', 'bug'], 'bug'))?.result).toBe('ignored: no incident label');
    expect(answeredAtTheDoor(policy, event('ping', { zen: 'Design for failure.' }))).toEqual({ result: 'pong' });
    expect(answeredAtTheDoor(policy, event('push', { ref: 'refs/heads/main' }))?.result).toBe('ignored: push events');
  });

  it('lets through every delivery a handler may act on', () => {
    expect(answeredAtTheDoor(policy, comment('/incident sev 1'))).toBeUndefined();
    expect(answeredAtTheDoor(policy, comment('  /INCIDENT status\nmore'))).toBeUndefined();
    expect(answeredAtTheDoor(policy, issue('opened', ['incident']))).toBeUndefined();
    expect(answeredAtTheDoor(policy, issue('labeled', ['incident'], 'incident'))).toBeUndefined();
    // An action item's issue may live in any repository: closing one is the database's to judge.
    expect(answeredAtTheDoor(policy, event('issues', { action: 'closed', repository: repo('someone/else'), issue: { number: 7 }, sender: person }))).toBeUndefined();
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
