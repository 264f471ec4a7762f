import { describe, expect, it } from 'vitest';
import { createRenderer } from '../../activities/slack/render.js';
import { ALL_RESOLVED_NOTE_START, allResolvedNote, autoMitigatedNote } from '../../domain/alerts/index.js';
import { decide, resolveActor } from '../../domain/authorization/index.js';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import { createRedactor } from '../../domain/redact.js';
import { ACTION_IDS } from '../../domain/slack/action-ids.js';
import type { IncidentView } from '../../workflows/incident/messages.js';
import { fixturePolicy } from '../helpers/grammar.js';

const view = (overrides: Partial<IncidentView> = {}): IncidentView => ({
  key: 'INC-42',
  title: 'Queue backlog',
  severity: 'SEV2',
  phase: 'mitigating',
  services: ['payments'],
  roles: { commander: { source: 'slack', id: 'U0BOB', name: 'bob' } },
  source: 'alerts',
  reporter: SYSTEM_ACTOR,
  declaredAt: '2026-01-01T10:00:00.000Z',
  lastStatusUpdateAt: '2026-01-01T10:00:00.000Z',
  timeline: [],
  grants: [],
  sandboxes: [],
  flagChanges: [],
  actionItems: [],
  continuedAsNewCount: 0,
  ...overrides,
});

describe('the all-resolved note and auto-mitigation texts', () => {
  it('recognises every all-resolved note by its start, whatever the count, and nothing else', () => {
    expect(allResolvedNote(1)).toMatch(ALL_RESOLVED_NOTE_START);
    expect(allResolvedNote(12)).toMatch(ALL_RESOLVED_NOTE_START);
    expect('Note: All 2 alerts of this group are resolved.').not.toMatch(ALL_RESOLVED_NOTE_START);
    expect(autoMitigatedNote(2, { route: 0, service: 'payments' })).not.toMatch(ALL_RESOLVED_NOTE_START);
  });

  it('names the route that mitigated, as the policy file spells it', () => {
    expect(autoMitigatedNote(2, { route: 3, service: 'payments' })).toBe(
      'Auto-mitigated: all 2 alerts of an alert group resolved, and its route alerts.routes[3] (service payments) has autoMitigate: true. Monitoring; resolve the incident when it holds.',
    );
    expect(autoMitigatedNote(1, { route: 'default', service: 'search' })).toContain('all 1 alert of an alert group resolved, and its route alerts.default (service search)');
  });
});

describe('the all-resolved question in Slack', () => {
  const render = createRenderer(createRedactor());
  const buttons = (blocks: Array<Record<string, unknown>> | undefined) => (blocks ?? []).flatMap((b) => (b.elements as Array<Record<string, unknown>> | undefined) ?? []);

  it('mentions the commander and carries the Mark mitigated button while the incident is being mitigated', () => {
    for (const phase of ['triage', 'mitigating'] as const) {
      const question = render.allResolvedQuestion(view({ phase }), allResolvedNote(2));
      expect(question.text).toContain('<@U0BOB>, is INC-42 mitigated?');
      expect(buttons(question.blocks)).toEqual([expect.objectContaining({ action_id: ACTION_IDS.mitigated, value: 'INC-42' })]);
    }
  });

  it('still asks, without a mention, when the incident has no commander', () => {
    const question = render.allResolvedQuestion(view({ roles: {} }), allResolvedNote(1));
    expect(question.text).not.toContain('<@');
    expect(buttons(question.blocks)).toHaveLength(1);
  });

  it('shows only the line once the incident is mitigated or later', () => {
    for (const phase of ['monitoring', 'resolved', 'postmortem', 'closed'] as const) {
      const question = render.allResolvedQuestion(view({ phase }), allResolvedNote(2));
      expect(question.blocks).toBeUndefined();
      expect(question.text).not.toContain('<@U0BOB>');
    }
  });

  it('escapes what the note carries', () => {
    const question = render.allResolvedQuestion(view(), `${allResolvedNote(1)} <!channel>`);
    expect(question.text).not.toContain('<!channel>');
  });
});

describe('who may mark an incident mitigated', () => {
  const policy = fixturePolicy();

  it('lets the system actor (an autoMitigate route) and members, and refuses guests', () => {
    expect(decide(policy, 'mitigate', resolveActor(policy, SYSTEM_ACTOR)).allowed).toBe(true);
    expect(decide(policy, 'mitigate', resolveActor(policy, { source: 'slack', id: 'U0CAROL' })).allowed).toBe(true);
    expect(decide(policy, 'mitigate', resolveActor(policy, { source: 'slack', id: 'U0DAVE' })).allowed).toBe(false);
  });
});
