import { describe, expect, it } from 'vitest';
import { FIXTURE_POLICY_TEXT, policyError } from '../helpers/grammar.js';
import { parsePolicy } from '../../domain/policy/index.js';
import { holds, inWindow } from '../../domain/automation/conditions.js';
import { dryRunText } from '../../domain/automation/dry-run.js';
import { factsOf, MAX_RULE_RUNS, onceScopeKey, ruleActor, ruleEventsOf, ruleRunWorkflowId, rulesFor } from '../../domain/automation/triggers.js';
import type { RuleFacts } from '../../domain/automation/types.js';
import { formatCommand, parseCommand } from '../../domain/commands/parse.js';

const NIGHT_RULE = `
rules:
  night-sev1:
    when: declared
    if:
      all:
        - severity: [SEV1]
        - timeOfDay: { from: "22:00", to: "07:00", timeZone: Europe/Berlin }
        - none: [{ private: true }]
    then:
      - page: { service: payments, reason: SEV1 at night }
      - post: { channel: "#ops-night", text: "{incident} paged payments" }
      - wait: { delay: 10m }
      - post: { dm: alice, text: still going }
  later:
    when: { after: 30m, of: severity_changed }
    once: severity
    if: { any: [{ severityAtLeast: SEV2 }, { services: [search] }, { field: title, contains: checkout }] }
    then:
      - assign_role: { role: scribe, person: bob }
      - invite: { team: sre }
      - request_sandbox: { source: primary, ttl: 1h }
      - request_flag_rollback: { flags: [new-checkout], reason: rule }
`;

const withRules = (rules: string) => `${FIXTURE_POLICY_TEXT}\n${rules}`;

function facts(over: Partial<RuleFacts> = {}): RuleFacts {
  return { severity: 'SEV1', services: ['payments'], private: false, fields: { title: 'Checkout down' }, labels: {}, now: '2026-01-10T23:30:00Z', ...over };
}

describe('automation rules in the policy', () => {
  it('reads when, if, then and once into plain data', () => {
    const policy = parsePolicy(withRules(NIGHT_RULE), 'policy.yaml');
    const night = policy.rules['night-sev1']!;
    expect(night.when).toEqual({ event: 'declared' });
    expect(night.once).toBe('incident');
    expect(night.then.map((s) => s.kind)).toEqual(['page', 'post', 'wait', 'post']);
    expect(night.then[2]).toEqual({ kind: 'wait', delaySeconds: 600 });
    expect(night.if).toEqual({ all: [{ severityIn: ['SEV1'] }, { timeOfDay: { from: '22:00', to: '07:00', timeZone: 'Europe/Berlin' } }, { none: [{ private: true }] }] });
    const later = policy.rules.later!;
    expect(later.when).toEqual({ event: 'severity_changed', afterSeconds: 1800 });
    expect(later.then[2]).toEqual({ kind: 'request_sandbox', source: 'primary', ttlSeconds: 3600 });
    expect(parsePolicy(FIXTURE_POLICY_TEXT, 'policy.yaml').rules).toEqual({});
  });

  it.each([
    ['an unknown channel format', 'post: { channel: "ops night", text: hi }', /^policy\.yaml: rules\.bad-rule\.then\[0\]\.post\.channel: expected a Slack channel/],
    ['an unknown team', 'invite: { team: nobody }', /^policy\.yaml: rules\.bad-rule\.then\[0\]\.invite\.team: team "nobody" is not defined under teams/],
    ['an unknown role', 'assign_role: { role: wizard, person: bob }', /^policy\.yaml: rules\.bad-rule\.then\[0\]\.assign_role\.role: role "wizard" is neither built in nor defined/],
    ['an unknown person', 'post: { dm: zed, text: hi }', /^policy\.yaml: rules\.bad-rule\.then\[0\]\.post\.dm: zed is not a member of any team/],
    ['an unknown checklist', 'add_checklist: { checklist: nope }', /^policy\.yaml: rules\.bad-rule\.then\[0\]\.add_checklist\.checklist: checklist "nope" is not defined under checklists/],
    ['an unknown subscriber', 'webhook: { subscriber: nope }', /^policy\.yaml: rules\.bad-rule\.then\[0\]\.webhook\.subscriber: webhook subscriber "nope" is not defined under webhooks/],
    ['an unknown service', 'page: { service: nope }', /^policy\.yaml: rules\.bad-rule\.then\[0\]\.page\.service: service "nope" is not defined under services/],
    ['an unknown flag', 'request_flag_rollback: { flags: [nope], reason: x }', /^policy\.yaml: rules\.bad-rule\.then\[0\]\.request_flag_rollback\.flags: flag "nope" is not listed/],
    ['an unknown step', 'reboot: { service: payments }', /^policy\.yaml: rules\.bad-rule\.then\[0\]: expected one step: post, invite/],
  ])('refuses a rule with %s in one line naming its key', (_what, step, message) => {
    const error = policyError(withRules(`rules:\n  bad-rule:\n    when: declared\n    then:\n      - ${step}\n`));
    expect(error).toMatch(message);
    expect(error.split('\n')).toHaveLength(1);
  });

  it('refuses an unknown event, time zone and once-scope naming the rule', () => {
    expect(policyError(withRules('rules:\n  r1:\n    when: exploded\n    then: [{ page: { service: payments } }]\n'))).toMatch(/^policy\.yaml: rules\.r1\.when: expected an event/);
    expect(policyError(withRules('rules:\n  r1:\n    when: declared\n    if: { timeOfDay: { from: "22:00", to: "07:00", timeZone: Mars/Olympus } }\n    then: [{ page: { service: payments } }]\n'))).toMatch(/^policy\.yaml: rules\.r1\.if/);
    expect(policyError(withRules('rules:\n  r1:\n    when: declared\n    once: forever\n    then: [{ page: { service: payments } }]\n'))).toMatch(/^policy\.yaml: rules\.r1\.once: expected incident, severity or user/);
  });
});

describe('rule conditions', () => {
  const night = { from: '22:00', to: '07:00', timeZone: 'Europe/Berlin' };

  it('reads the time of day in the rule\'s time zone, across midnight', () => {
    expect(inWindow(night, '2026-01-10T21:30:00Z')).toBe(true); // 22:30 in Berlin (winter, UTC+1)
    expect(inWindow(night, '2026-01-10T05:59:00Z')).toBe(true); // 06:59
    expect(inWindow(night, '2026-01-10T06:00:00Z')).toBe(false); // 07:00
    expect(inWindow(night, '2026-07-10T20:30:00Z')).toBe(true); // 22:30 in summer (UTC+2)
    expect(inWindow(night, '2026-01-10T12:00:00Z')).toBe(false);
    expect(inWindow({ from: '09:00', to: '17:00', timeZone: 'UTC' }, '2026-01-10T12:00:00Z')).toBe(true);
  });

  it('combines all, any and none, severity lists and thresholds, services, labels, privacy and fields', () => {
    expect(holds({ severityAtLeast: 'SEV2' }, facts({ severity: 'SEV1' }))).toBe(true);
    expect(holds({ severityAtLeast: 'SEV2' }, facts({ severity: 'SEV3' }))).toBe(false);
    expect(holds({ all: [{ severityIn: ['SEV1'] }, { services: ['search', 'payments'] }] }, facts())).toBe(true);
    expect(holds({ any: [{ private: true }, { labels: { team: 'db' } }] }, facts({ labels: { team: 'db' } }))).toBe(true);
    expect(holds({ none: [{ field: 'title', contains: 'checkout' }] }, facts())).toBe(false);
    expect(holds({ field: 'title', equals: 'Checkout down' }, facts())).toBe(true);
    expect(holds(undefined, facts())).toBe(true);
  });
});

describe('rule triggers', () => {
  it('maps recorded events to rule events; the first triage is the declaration', () => {
    expect(ruleEventsOf({ kind: 'phase', details: { event: 'start_triage' } })).toEqual(['declared', 'phase_changed']);
    expect(ruleEventsOf({ kind: 'phase', details: { event: 'resolve' } })).toEqual(['phase_changed']);
    expect(ruleEventsOf({ kind: 'severity' })).toEqual(['severity_changed']);
    expect(ruleEventsOf({ kind: 'role' })).toEqual(['role_assigned']);
    expect(ruleEventsOf({ kind: 'task', details: { event: 'overdue', task: 'TASK-1' } })).toEqual(['task_overdue']);
    expect(ruleEventsOf({ kind: 'note', details: { alertGroup: { event: 'fired' } } })).toEqual(['alert_group_fired']);
    expect(ruleEventsOf({ kind: 'note' })).toEqual([]);
  });

  it('names a run by incident, rule and once-scope, and acts as the rule', () => {
    const alice = { source: 'slack' as const, id: 'U0ALICE' };
    expect(ruleRunWorkflowId('INC-4', 'night-sev1', onceScopeKey('incident', 'SEV1', alice))).toBe('rule:INC-4:night-sev1:incident');
    expect(onceScopeKey('severity', 'SEV2', alice)).toBe('severity:SEV2');
    expect(onceScopeKey('user', 'SEV2', alice)).toBe('user:slack:U0ALICE');
    expect(ruleActor('loop', 3)).toEqual({ source: 'system', id: 'rule:loop#3', name: 'rule loop' });
    expect(MAX_RULE_RUNS).toBe(20);
  });

  it('lists the rules an event sets off in policy order', () => {
    const policy = parsePolicy(withRules(NIGHT_RULE), 'policy.yaml');
    expect(rulesFor(policy.rules, ['declared', 'phase_changed']).map(([k]) => k)).toEqual(['night-sev1']);
    expect(rulesFor(policy.rules, ['severity_changed']).map(([k]) => k)).toEqual(['later']);
  });
});

describe('rules test', () => {
  it('parses `rules test RULE INC-N` and formats it back', () => {
    const parsed = parseCommand('rules test night-sev1 INC-4');
    expect(parsed).toEqual({ ok: true, command: { kind: 'rules-test', rule: 'night-sev1' }, incident: 'INC-4' });
    expect(formatCommand({ kind: 'rules-test', rule: 'night-sev1' })).toBe('rules test night-sev1');
    expect(parseCommand('rules test').ok).toBe(false);
    expect(parseCommand('rules run night-sev1').ok).toBe(false);
  });

  it('shows the trigger, each condition with whether it holds, the steps, and whether it already ran', () => {
    const policy = parsePolicy(withRules(NIGHT_RULE), 'policy.yaml');
    const f = factsOf({ severity: 'SEV1', services: ['payments'], title: 'Checkout down', source: 'slack', phase: 'triage' }, {}, '2026-01-10T23:30:00Z');
    const text = dryRunText({ incident: 'INC-4', rule: 'night-sev1', spec: policy.rules['night-sev1']!, facts: f, run: { id: 'rule:INC-4:night-sev1:incident' } });
    expect(text).toContain('Rule night-sev1 for INC-4 (a dry run: nothing was done)');
    expect(text).toContain('Conditions hold now:');
    expect(text).toContain('✓ severity in SEV1 (is SEV1)');
    expect(text).toContain('✓ time between 22:00 and 07:00 Europe/Berlin (is 00:30)');
    expect(text).toContain('1. page payments: SEV1 at night');
    expect(text).toContain('2. post in #ops-night: "{incident} paged payments"');
    expect(text).toContain('It has not run for INC-4 in this scope yet');
    const day = dryRunText({ incident: 'INC-4', rule: 'night-sev1', spec: policy.rules['night-sev1']!, facts: { ...f, now: '2026-01-10T12:00:00Z' }, run: { id: 'x', status: 'COMPLETED' } });
    expect(day).toContain('Conditions do not hold now:');
    expect(day).toContain('✗ time between');
    expect(day).toContain('already ran for INC-4 in this scope (x: completed)');
  });
});
