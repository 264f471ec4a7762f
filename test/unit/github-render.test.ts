import { describe, expect, it } from 'vitest';
import { rateLimitWaitSeconds, toActivityFailure } from '../../activities/github/client.js';
import { labelsFor, renderSummary, withSummary } from '../../activities/github/render.js';
import { parseIssueRef, SUMMARY_END, SUMMARY_START } from '../../domain/github/refs.js';
import { severityOfLabels } from '../../bots/github/issues.js';
import { createRedactor } from '../../domain/redact.js';
import type { IncidentView } from '../../workflows/incident/messages.js';

const view = {
  key: 'INC-7',
  title: 'Checkout | 502s',
  severity: 'SEV2',
  phase: 'mitigating',
  services: ['payments'],
  roles: { commander: { source: 'github', id: 'alice-gh', name: 'alice-gh' } },
  source: 'github',
  reporter: { source: 'github', id: 'bob-gh' },
  declaredAt: '2030-01-01T10:00:00.000Z',
  lastStatusUpdateAt: '2030-01-01T10:00:00.000Z',
  timeline: [{ at: '2030-01-01T10:05:00.000Z', kind: 'status_update', actor: { source: 'slack', id: 'U1' }, text: 'Mail ops@example.com for access' }],
  continuedAsNewCount: 0,
  grants: [],
  sandboxes: [],
  flagChanges: [],
  actionItems: [],
} as unknown as IncidentView;

const redactor = createRedactor();

describe('the GitHub summary block', () => {
  it('is appended once and then replaced in place, leaving the rest of the body alone', () => {
    const summary = renderSummary(view, { slack: 'channel C123' }, redactor);
    const first = withSummary('Checkout is broken.\n\nSteps: pay.', summary);
    expect(first.startsWith('Checkout is broken.\n\nSteps: pay.\n\n' + SUMMARY_START)).toBe(true);
    const changed = renderSummary({ ...view, phase: 'resolved' }, {}, redactor);
    const second = withSummary(first + '\n\nAppended later.', changed);
    expect(second.split(SUMMARY_START)).toHaveLength(2);
    expect(second).toContain('| Phase | resolved |');
    expect(second).not.toContain('| Phase | mitigating |');
    expect(second.endsWith(`${SUMMARY_END}\n\nAppended later.`)).toBe(true);
    expect(withSummary(second, changed)).toBe(second);
  });

  it('escapes table cells and redacts what it shows', () => {
    const summary = renderSummary(view, {}, redactor);
    expect(summary).toContain('INC-7: Checkout \\| 502s');
    // The incident's own token: the same address reads the same everywhere in this incident.
    expect(summary).toMatch(/Mail \[REDACTED:email#[0-9a-f]{8}\] for access/);
    expect(summary).toContain('| Commander | alice-gh |');
  });

  it('keeps one severity label that follows the incident', () => {
    expect(labelsFor(['bug', 'sev:3', 'incident'], view, 'incident')).toEqual(['bug', 'incident', 'sev:2']);
    expect(labelsFor([], view, 'incident')).toEqual(['incident', 'sev:2']);
  });
});

describe('GitHub labels and references', () => {
  it('takes the most severe sev label, SEV3 without one', () => {
    expect(severityOfLabels(['incident', 'sev:3', 'sev:2'])).toBe('SEV2');
    expect(severityOfLabels(['incident', 'sev:9', 'severe'])).toBe('SEV3');
  });

  it('parses owner/repo#N and nothing else', () => {
    expect(parseIssueRef('acme/pay-ments#12')).toEqual({ repo: 'acme/pay-ments', number: 12 });
    expect(parseIssueRef('acme/payments#0')).toBeUndefined();
    expect(parseIssueRef('INC-4')).toBeUndefined();
  });
});

describe('GitHub rate limits', () => {
  const error = (status: number, headers: Record<string, string>, message = 'API rate limit exceeded') => ({ status, message, response: { headers } });

  it('waits as long as retry-after, the primary reset, or a minute for a bare secondary limit', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(rateLimitWaitSeconds(error(403, { 'retry-after': '30' }, 'You have exceeded a secondary rate limit'), now)).toBe(30);
    expect(rateLimitWaitSeconds(error(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 120) }), now)).toBe(121);
    expect(rateLimitWaitSeconds(error(403, {}, 'You have exceeded a secondary rate limit'), now)).toBe(60);
    expect(rateLimitWaitSeconds(error(429, {}), now)).toBe(60);
    expect(rateLimitWaitSeconds(error(403, {}, 'Resource not accessible by integration'), now)).toBeUndefined();
  });

  it('becomes a Temporal failure that waits, and permanent refusals do not retry', () => {
    expect(toActivityFailure(error(403, { 'retry-after': '5' }), 'x')).toMatchObject({ type: 'GitHubRateLimited', nextRetryDelay: '5s', nonRetryable: false });
    expect(toActivityFailure(error(422, {}, 'Validation Failed'), 'x')).toMatchObject({ type: 'GitHub422', nonRetryable: true });
    const other = new Error('socket hang up');
    expect(toActivityFailure(other, 'x')).toBe(other);
  });
});
