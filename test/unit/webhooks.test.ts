// Outbound webhooks, the pure parts: the policy section (secrets only by variable, https or env URLs,
// event patterns by family), who receives an event (private incidents only to private
// subscribers), event types, the retry waits, the body signature and the replay command's arguments.

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookBodySignature } from '../../activities/webhooks/client.js';
import { completionScript } from '../../bots/cli/completion.js';
import { parseWebhooksArgs } from '../../bots/cli/webhooks.js';
import { parsePolicy } from '../../domain/policy/index.js';
import { childEventType, incidentEventType, patternMatches, webhookRecipients, webhookRetryWaitSeconds } from '../../domain/webhooks.js';
import { FIXTURE_POLICY_TEXT, policyError } from '../helpers/grammar.js';

const SECTION = `
webhooks:
  subscribers:
    siem: { url: "https://siem.example.com/hooks/firebreak", secret: env:SIEM_SECRET, events: ["*"], private: true }
    warehouse: { url: env:WAREHOUSE_URL, secret: env:WAREHOUSE_SECRET, events: ["incident.*", "grant.approve"] }
  retry: { attempts: 5, firstWait: 30s, maxWait: 5m }
`;
const withSection = (section: string) => `${FIXTURE_POLICY_TEXT.trimEnd()}\n${section}`;

describe('the webhooks policy section', () => {
  it('reads subscribers with their URL or its variable, the secret variable, events, private and the retry settings', () => {
    const webhooks = parsePolicy(withSection(SECTION), 'policy.yaml').webhooks!;
    expect(webhooks.subscribers.siem).toEqual({ url: 'https://siem.example.com/hooks/firebreak', secretEnv: 'SIEM_SECRET', events: ['*'], private: true });
    expect(webhooks.subscribers.warehouse).toEqual({ urlEnv: 'WAREHOUSE_URL', secretEnv: 'WAREHOUSE_SECRET', events: ['incident.*', 'grant.approve'], private: false });
    expect(webhooks.retry).toEqual({ attempts: 5, firstWaitSeconds: 30, maxWaitSeconds: 300 });
  });

  it('retries 12 times from 10 s up to 10 min when the policy says nothing', () => {
    const webhooks = parsePolicy(withSection('webhooks:\n  subscribers:\n    a: { url: "https://a.example", secret: env:A_SECRET, events: ["incident.*"] }\n'), 'policy.yaml').webhooks!;
    expect(webhooks.retry).toEqual({ attempts: 12, firstWaitSeconds: 10, maxWaitSeconds: 600 });
  });

  it('refuses a secret written into the file, a plain http URL and an unknown event family, naming the key', () => {
    expect(policyError(withSection(SECTION.replace('secret: env:SIEM_SECRET', 'secret: hunter2hunter2')))).toMatch(/webhooks\.subscribers\.siem\.secret: expected an environment variable reference/);
    expect(policyError(withSection(SECTION.replace('https://siem.example.com', 'http://siem.example.com')))).toMatch(/webhooks\.subscribers\.siem\.url: expected an https:\/\/ URL or "env:VARIABLE"/);
    expect(policyError(withSection(SECTION.replace('"grant.approve"', '"grants.*"')))).toMatch(/webhooks\.subscribers\.warehouse\.events\[1\]: expected "\*", a family like "incident\.\*"/);
    expect(policyError(withSection(SECTION.replace('private: true', 'private: yes please')))).toMatch(/webhooks\.subscribers\.siem\.private: expected true or false/);
  });
});

describe('webhook recipients and types', () => {
  const webhooks = parsePolicy(withSection(SECTION), 'policy.yaml').webhooks!;

  it('sends an event to the subscribers whose patterns match', () => {
    expect(webhookRecipients(webhooks, { type: 'incident.severity' })).toEqual(['siem', 'warehouse']);
    expect(webhookRecipients(webhooks, { type: 'grant.approve' })).toEqual(['siem', 'warehouse']);
    expect(webhookRecipients(webhooks, { type: 'grant.request' })).toEqual(['siem']);
    expect(webhookRecipients(undefined, { type: 'incident.declared' })).toEqual([]);
  });

  it('sends a private incident only to subscribers marked private, even when a rule names another', () => {
    expect(webhookRecipients(webhooks, { type: 'incident.declared', private: true })).toEqual(['siem']);
    expect(webhookRecipients(webhooks, { type: 'rule.webhook', private: true, subscriber: 'warehouse' })).toEqual([]);
    expect(webhookRecipients(webhooks, { type: 'rule.webhook', subscriber: 'warehouse' })).toEqual(['warehouse']);
  });

  it('matches families, single types and everything', () => {
    expect(patternMatches('incident.*', 'incident.phase')).toBe(true);
    expect(patternMatches('incident.*', 'incidents.phase')).toBe(false);
    expect(patternMatches('grant.approve', 'grant.approved')).toBe(false);
    expect(patternMatches('*', 'action-item.done')).toBe(true);
  });

  it('names incident, flag and child events', () => {
    expect(incidentEventType('status_update', undefined, {})).toBe('incident.status-update');
    expect(incidentEventType('phase', 'incident.resolve', {})).toBe('incident.phase');
    expect(incidentEventType('child', 'flag.rollback', { flag: {} })).toBe('flag.rollback');
    expect(incidentEventType('child', undefined, { flag: {}, verification: {} })).toBe('flag.verification');
    expect(childEventType('access.approve', false)).toBe('grant.approve');
    expect(childEventType('sandbox.ready', false)).toBe('sandbox.ready');
    expect(childEventType('postmortem.draft', false)).toBe('postmortem.draft');
    expect(childEventType('action.done', true)).toBe('action-item.done');
  });

  it('waits firstWait, doubling, up to maxWait', () => {
    expect([1, 2, 3, 4, 5].map((n) => webhookRetryWaitSeconds(webhooks.retry, n))).toEqual([30, 60, 120, 240, 300]);
  });
});

describe('webhook signatures and the replay command', () => {
  it('signs the raw body with HMAC-SHA256 and the subscriber secret', () => {
    const body = '{"id":"INC-1:0","type":"incident.declared"}';
    expect(webhookBodySignature('s3cret', body)).toBe(`sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`);
    expect(webhookBodySignature('s3cret', `${body} `)).not.toBe(webhookBodySignature('s3cret', body));
  });

  it('reads replay SUBSCRIBER with --since as a time or a duration', () => {
    const now = new Date('2026-01-02T12:00:00Z');
    expect(parseWebhooksArgs(['replay', 'siem'], {}, now)).toEqual({ subscriber: 'siem' });
    expect(parseWebhooksArgs(['replay', 'siem'], { since: '6h' }, now)).toEqual({ subscriber: 'siem', since: '2026-01-02T06:00:00.000Z' });
    expect(parseWebhooksArgs(['replay', 'siem'], { since: '2026-01-01T00:00:00Z' }, now)).toEqual({ subscriber: 'siem', since: '2026-01-01T00:00:00.000Z' });
    expect(parseWebhooksArgs(['replay', 'siem'], { since: 'yesterday' }, now)).toEqual({ problem: expect.stringMatching(/^--since must be a time/) });
    expect(parseWebhooksArgs(['resend', 'siem'], {}, now)).toEqual({ problem: expect.stringMatching(/^Use `firebreak webhooks replay/) });
    for (const shell of ['bash', 'zsh', 'fish'] as const) expect(completionScript(shell)).toContain('webhooks');
  });
});
