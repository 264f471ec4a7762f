import { describe, expect, it } from 'vitest';
import { escapeSlackText } from '../../domain/slack/escape.js';
import { channelName, createRenderer } from '../../activities/slack/render.js';
import { createRedactor } from '../../domain/redact.js';
import type { IncidentView } from '../../workflows/incident/messages.js';

const view = (overrides: Partial<IncidentView> = {}): IncidentView => ({
  key: 'INC-42',
  title: 'Checkout <!channel> fails for bob@example.com',
  severity: 'SEV2',
  phase: 'mitigating',
  services: ['payments'],
  roles: { commander: { source: 'slack', id: 'U0BOB', name: 'bob' }, scribe: { source: 'github', id: 'carol-gh', name: 'carol' } },
  source: 'slack',
  reporter: { source: 'slack', id: 'U0ALICE', name: 'alice' },
  declaredAt: '2026-01-01T10:00:00.000Z',
  lastStatusUpdateAt: '2026-01-01T10:00:00.000Z',
  statusUpdateDueAt: '2026-01-01T10:30:00.000Z',
  timeline: [],
  grants: [],
  sandboxes: [],
  flagChanges: [],
  actionItems: [],
  continuedAsNewCount: 0,
  ...overrides,
});

describe('Slack rendering', () => {
  const render = createRenderer(createRedactor(), 'https://firebreak.example.com');

  it('names channels inc-<n>-<slug> within Slack limits', () => {
    expect(channelName('INC-7', 'Checkout returns 502!')).toBe('inc-7-checkout-returns-502');
    expect(channelName('INC-7', 'Checkout returns 502', 3)).toBe('inc-7-checkout-returns-502-3');
    expect(channelName('INC-7', '💥💥')).toBe('inc-7-incident');
    const long = channelName('INC-123', 'x'.repeat(200), 10);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^inc-123-x+-10$/);
  });

  it('renders the summary with roles, links and buttons, redacted and escaped', () => {
    const text = JSON.stringify(render.summaryBlocks(view(), 'C123'));
    expect(text).toContain('INC-42 · SEV2 · mitigating');
    expect(text).toContain('<@U0BOB>');
    expect(text).toContain('carol');
    expect(text).toContain('<#C123>');
    expect(text).toContain('https://firebreak.example.com/incidents/INC-42|dashboard');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('bob@example.com');
    for (const id of ['incident_ack', 'incident_sev', 'incident_mitigated', 'incident_resolve']) expect(text).toContain(id);
  });

  it('drops the buttons once the incident is resolved', () => {
    expect(JSON.stringify(render.summaryBlocks(view({ phase: 'resolved' })))).not.toContain('incident_resolve');
  });

  it('escapes user text in channel lines and announcements', () => {
    expect(escapeSlackText('a <b> & c')).toBe('a &lt;b&gt; &amp; c');
    expect(render.eventLine('status_update', 'all good <!here>', { source: 'slack', id: 'U0BOB' })).toBe(':mega: *Status update* — <@U0BOB>\nall good &lt;!here&gt;');
    expect(render.announcement(view(), 'C123')).toContain('join <#C123>');
  });
});
