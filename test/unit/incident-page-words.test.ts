// The incident page's words and links, pure: every timeline kind has a label a person reads, and
// only http(s) addresses become links.

import { describe, expect, it } from 'vitest';
import type { IncidentLinkRow, PostmortemRow } from '../../db/schema/index.js';
import type { TimelineKind } from '../../domain/timeline.js';
import { linksLine, outsideLinks } from '../../web/pages/incident-links.js';
import { timelineLabel } from '../../web/render/timeline-labels.js';

const KINDS: TimelineKind[] = ['declared', 'phase', 'severity', 'role', 'details', 'note', 'status_update', 'reminder', 'teardown', 'child', 'pinned', 'context', 'task', 'privacy'];

describe('timeline labels', () => {
  it('gives every kind a label in words, never the stored kind', () => {
    for (const kind of KINDS) {
      const label = timelineLabel(kind);
      expect(label, kind).toMatch(/^[A-Z][a-z ]+$/);
      expect(label, kind).not.toContain('_');
    }
    expect(timelineLabel('status_update')).toBe('Status update');
  });

  it('names a child event by what it belongs to, from its action', () => {
    expect(timelineLabel('child', { grant: 'GR-1', action: 'access.approve' })).toBe('Access');
    expect(timelineLabel('child', { sandbox: 'SBX-1', action: 'sandbox.ready' })).toBe('Sandbox');
    expect(timelineLabel('child', { action: 'action.add' })).toBe('Action item');
    expect(timelineLabel('child', { action: 'postmortem.submit' })).toBe('Postmortem');
    expect(timelineLabel('child', { action: 'flag.rollback' })).toBe('Flag rollback');
    expect(timelineLabel('child', {})).toBe('Related work');
    expect(timelineLabel('child', { action: 'toString.x' })).toBe('Related work');
  });

  it('turns kinds from older rows into words', () => {
    expect(timelineLabel('resolved')).toBe('Resolved');
    expect(timelineLabel('some_old.kind')).toBe('Some old kind');
    expect(timelineLabel('constructor')).toBe('Constructor');
  });
});

describe('incident links', () => {
  const row = (kind: string, externalId: string, data: Record<string, unknown> = {}): IncidentLinkRow => ({
    incidentKey: 'INC-1', kind, externalId, data, createdAt: new Date(0), updatedAt: new Date(0),
  });
  const postmortem = (documentUrl: string | null) => ({ documentUrl }) as PostmortemRow;

  it('builds the Slack and GitHub addresses and keeps the postmortem document', () => {
    const links = outsideLinks([row('github-issue', 'acme/api#12'), row('slack-channel', 'C0123')], postmortem('https://docs.example/pm'));
    expect(links).toEqual([
      { text: 'Slack channel', href: 'https://slack.com/app_redirect?channel=C0123' },
      { text: 'GitHub issue acme/api#12', href: 'https://github.com/acme/api/issues/12' },
      { text: 'Postmortem document', href: 'https://docs.example/pm' },
    ]);
    expect(String(linksLine(links))).toContain('<a href="https://slack.com/app_redirect?channel=C0123" rel="noreferrer">Slack channel</a>');
  });

  it('prefers a stored web address, and links nothing that is not http(s)', () => {
    expect(outsideLinks([row('github-issue', 'acme/api#12', { html_url: 'https://ghe.example/acme/api/issues/12' })], undefined)[0]!.href).toBe('https://ghe.example/acme/api/issues/12');
    const hostile = outsideLinks(
      [row('github-issue', 'not a ref', { html_url: 'javascript:alert(1)' }), row('slack-channel', 'x"><script>', { url: 'data:text/html,hi' })],
      postmortem('javascript:alert(1)'),
    );
    expect(hostile).toEqual([]);
    expect(String(linksLine(hostile))).toBe('');
  });
});
