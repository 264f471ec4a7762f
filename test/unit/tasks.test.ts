// Tasks and checklists (issue 17 §3) without a server: the grammar, the `checklists:` section and its
// references, which checklists match, what blocks resolve, the decision table rows, and that task
// text is neutralised in the Slack summary, the dashboard and the plain replies.

import { describe, expect, it } from 'vitest';
import { formatCommand } from '../../domain/commands/index.js';
import { decide, resolveActor, type Facts } from '../../domain/authorization/index.js';
import { blockingTask, foldTaskEvents, matchingChecklists, nextOverdue, nextTaskId, resolveRefusal, type IncidentTask } from '../../domain/tasks.js';
import { createRedactor } from '../../domain/redact.js';
import { openTasksBlock } from '../../activities/slack/task-render.js';
import { escapeSlackText } from '../../domain/slack/escape.js';
import { tasksSection } from '../../web/pages/tasks.js';
import { renderTasks } from '../../bots/tasks/commands.js';
import type { TimelineEventRow } from '../../db/schema/index.js';
import { FIXTURE_POLICY_TEXT, parsed, policyError, refused } from '../helpers/grammar.js';
import { parsePolicy } from '../../domain/policy/index.js';

const CHECKLISTS = `
checklists:
  sev1-basics:
    when: { severities: [SEV1] }
    tasks:
      - { text: Post a public update, owner: comms, due: 30m, required: true }
      - { text: Snapshot the orders database, owner: alice }
  pii:
    when: { capabilities: [db-readonly] }
    tasks:
      - { text: Notify legal, required: true }
  payments-sev2:
    when: { severities: [SEV1, SEV2], services: [payments] }
    tasks:
      - { text: Tell the payments partner }
`;
const policy = parsePolicy(FIXTURE_POLICY_TEXT + CHECKLISTS, 'policy.yaml');

const task = (id: string, fields: Partial<IncidentTask> = {}): IncidentTask => ({
  id,
  text: `do ${id}`,
  status: 'open',
  required: false,
  createdBy: { source: 'system', id: 'firebreak' },
  createdAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});

describe('task commands', () => {
  it('reads add with an optional trailing owner, and the changes by key', () => {
    expect(parsed('task add snapshot the orders db @alice').command).toEqual({ kind: 'task-add', text: 'snapshot the orders db', owner: { kind: 'handle', handle: 'alice' } });
    expect(parsed('task add tell <@U0BOB> about it').command).toEqual({ kind: 'task-add', text: 'tell <@U0BOB> about it' });
    expect(parsed('task add call legal <@U0BOB|bob>').command).toMatchObject({ owner: { kind: 'slack', id: 'U0BOB', label: 'bob' } });
    expect(parsed('INC-4 task done task-2')).toMatchObject({ incident: 'INC-4', command: { kind: 'task-done', task: 'TASK-2' } });
    expect(parsed('task reopen TASK-2').command).toEqual({ kind: 'task-reopen', task: 'TASK-2' });
    expect(parsed('task assign TASK-3 @bob').command).toEqual({ kind: 'task-assign', task: 'TASK-3', person: { kind: 'handle', handle: 'bob' } });
    expect(parsed('task waive TASK-3 legal says not needed').command).toEqual({ kind: 'task-waive', task: 'TASK-3', reason: 'legal says not needed' });
    expect(parsed('tasks INC-9')).toMatchObject({ incident: 'INC-9', command: { kind: 'tasks' } });
  });

  it('refuses what it cannot read with one sentence and the usage', () => {
    expect(refused('task').error).toMatch(/^`task` needs one of add, done, reopen, assign or waive/);
    expect(refused('task add').error).toMatch(/^`task add` needs what is to be done/);
    expect(refused('task add @alice').error).toMatch(/^`task add` needs what is to be done/);
    expect(refused('task done').error).toMatch(/needs a task key/);
    expect(refused('task done ACT-2').error).toMatch(/is not a task key/);
    expect(refused('task done TASK-2 now').error).toMatch(/takes only a task key/);
    expect(refused('task assign TASK-2').error).toMatch(/needs a person/);
    expect(refused('task waive TASK-2').error).toMatch(/needs a reason/);
    expect(refused('tasks all').usage).toMatch(/^tasks \[INC-N\]/);
  });

  it('writes back what it reads, a text ending in a mention included', () => {
    for (const text of ['task add call the bank @alice', 'task done TASK-1', 'task waive TASK-2 no customer data touched', 'tasks']) {
      const c = parsed(text).command;
      expect(parsed(formatCommand(c)).command).toEqual(c);
    }
    const c = { kind: 'task-add' as const, text: 'ask @alice' };
    expect(parsed(formatCommand(c)).command).toEqual(c);
  });
});

describe('the checklists section', () => {
  it('parses durations to seconds and required to false by default', () => {
    expect(policy.checklists['sev1-basics']!.tasks).toEqual([
      { text: 'Post a public update', owner: 'comms', dueSeconds: 1800, required: true },
      { text: 'Snapshot the orders database', owner: 'alice', required: false },
    ]);
    expect(parsePolicy(FIXTURE_POLICY_TEXT, 'policy.yaml').checklists).toEqual({});
    expect(policy.incidents.taskReaction).toBe('memo');
  });

  it('refuses a bad checklist with one line naming its key', () => {
    expect(policyError(FIXTURE_POLICY_TEXT + '\nchecklists:\n  x:\n    when: {}\n    tasks: [{ text: a }]\n')).toMatch(/checklists\.x\.when.*name at least one of severities, services or capabilities/);
    expect(policyError(FIXTURE_POLICY_TEXT + '\nchecklists:\n  x:\n    when: { services: [billing] }\n    tasks: [{ text: a }]\n')).toMatch(/checklists\.x\.when\.services\[0\]: service "billing" is not defined/);
    expect(policyError(FIXTURE_POLICY_TEXT + '\nchecklists:\n  x:\n    when: { capabilities: [launch-codes] }\n    tasks: [{ text: a }]\n')).toMatch(/capability "launch-codes" is not defined/);
    expect(policyError(FIXTURE_POLICY_TEXT + '\nchecklists:\n  x:\n    when: { severities: [SEV1] }\n    tasks: [{ text: a, owner: zed }]\n')).toMatch(/checklists\.x\.tasks\[0\]\.owner.*"zed" is neither a role nor a person/);
    expect(policyError(FIXTURE_POLICY_TEXT + '\nchecklists:\n  x:\n    when: { severities: [SEV1] }\n    tasks: [{ text: a, due: soon }]\n')).toMatch(/checklists\.x\.tasks\[0\]\.due/);
  });
});

describe('which checklists attach', () => {
  const checklists = policy.checklists;
  it('every condition named must hold; each checklist once', () => {
    expect(matchingChecklists(checklists, { severity: 'SEV3', services: ['payments'], capabilities: [] }, [])).toEqual([]);
    expect(matchingChecklists(checklists, { severity: 'SEV2', services: ['payments'], capabilities: [] }, [])).toEqual(['payments-sev2']);
    expect(matchingChecklists(checklists, { severity: 'SEV1', services: ['search'], capabilities: [] }, [])).toEqual(['sev1-basics']);
    expect(matchingChecklists(checklists, { severity: 'SEV1', services: ['payments'], capabilities: ['db-readonly'] }, ['sev1-basics'])).toEqual(['pii', 'payments-sev2']);
  });
});

describe('tasks', () => {
  it('numbers, blocks resolve while a required task is open, and tells the next overdue', () => {
    const tasks = [task('TASK-1', { status: 'done', required: true }), task('TASK-2', { required: true, dueAt: '2026-01-01T01:00:00.000Z' }), task('TASK-3', { dueAt: '2026-01-01T00:30:00.000Z' })];
    expect(nextTaskId(tasks)).toBe('TASK-4');
    expect(nextTaskId([])).toBe('TASK-1');
    expect(blockingTask(tasks)?.id).toBe('TASK-2');
    expect(blockingTask([task('TASK-1', { required: true, status: 'waived' })])).toBeUndefined();
    expect(resolveRefusal('INC-3', tasks[1]!, 1)).toBe(
      'INC-3 cannot be resolved while required task TASK-2 "do TASK-2" is open; mark it done with `task done TASK-2`, or the commander can waive it with `task waive TASK-2 REASON`.',
    );
    expect(nextOverdue(tasks)?.task.id).toBe('TASK-3');
    expect(nextOverdue([task('TASK-3', { dueAt: '2026-01-01T00:30:00.000Z', overdueAt: '2026-01-01T00:31:00.000Z' })])).toBeUndefined();
  });

  it('folds recorded task events back into tasks for the dashboard', () => {
    const events = [
      { kind: 'task', details: { event: 'added', task: 'TASK-1', text: 'a', required: true } },
      { kind: 'note', details: { event: 'added', task: 'TASK-9' } },
      { kind: 'task', details: { event: 'added', task: 'TASK-2', text: 'b', owner: 'bob' } },
      { kind: 'task', details: { event: 'overdue', task: 'TASK-2' } },
      { kind: 'task', details: { event: 'waived', task: 'TASK-1', reason: 'no' } },
      { kind: 'task', details: { event: 'assigned', task: 'TASK-2', owner: 'carol' } },
    ];
    expect(foldTaskEvents(events)).toEqual([
      { id: 'TASK-1', text: 'a', status: 'waived', required: true, overdue: false },
      { id: 'TASK-2', text: 'b', status: 'open', required: false, overdue: true, owner: 'carol' },
    ]);
  });
});

describe('decision table rows for tasks', () => {
  const facts = (commander?: string): Facts => ({ incident: 'INC-1', roles: commander ? { commander } : {} });
  const alice = resolveActor(policy, { source: 'slack', id: 'U0ALICE' });
  const bob = resolveActor(policy, { source: 'slack', id: 'U0BOB' });
  const guest = resolveActor(policy, { source: 'slack', id: 'U0DAVE' });

  it('members add and change tasks; guests cannot; only the commander waives, audited', () => {
    expect(decide(policy, 'addTask', bob, facts('alice')).allowed).toBe(true);
    expect(decide(policy, 'changeTask', bob, facts('alice')).allowed).toBe(true);
    for (const action of ['addTask', 'changeTask', 'waiveTask', 'addChecklist'] as const) {
      const verdict = decide(policy, action, guest, facts('alice'));
      expect(verdict.allowed).toBe(false);
    }
    expect(decide(policy, 'waiveTask', alice, facts('alice'))).toEqual({ allowed: true, privileged: true });
    expect(decide(policy, 'waiveTask', bob, facts('alice'))).toEqual({ allowed: false, privileged: true, reason: 'Only the incident commander (alice) may waive a task of INC-1.' });
    // An ex-commander is refused: today's holder decides.
    expect(decide(policy, 'waiveTask', alice, facts('bob')).allowed).toBe(false);
  });
});

describe('task text is neutralised where it is shown', () => {
  const evil = '<!channel> <@U0BOB> <script>alert(1)</script> acme_live_abcdefghijklmnopqrstuvwx';
  const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });

  it('in the pinned Slack summary', () => {
    const safe = (t: string) => escapeSlackText(redactor.redact(t));
    const block = openTasksBlock([task('TASK-1', { text: evil, required: true }), task('TASK-2', { status: 'done' })], safe, (a) => a.id) as { text: { text: string } };
    expect(block.text.text).toContain('*Open tasks (1)*');
    expect(block.text.text).not.toContain('<!channel>');
    expect(block.text.text).not.toContain('<@U0BOB>');
    expect(block.text.text).not.toContain('acme_live_');
    expect(openTasksBlock([task('TASK-1', { status: 'done' })], safe, (a) => a.id)).toBeUndefined();
  });

  it('on the dashboard', () => {
    const row = (details: Record<string, unknown>, id: number): TimelineEventRow => ({
      id, incidentKey: 'INC-1', occurredAt: new Date(), kind: 'task', actor: { source: 'system', id: 'firebreak' }, text: '', details, idempotencyKey: `INC-1:${id}`,
    });
    const out = String(tasksSection([row({ event: 'added', task: 'TASK-1', text: evil, required: true }, 1)], (t) => redactor.redact(t)));
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;');
    expect(out).not.toContain('acme_live_');
    expect(out).toContain('TASK-1');
  });

  it('in plain replies, which each front-end redacts and escapes where it renders', () => {
    expect(renderTasks('INC-1', [])).toMatch(/has no tasks/);
    expect(renderTasks('INC-1', [task('TASK-2', { status: 'done' }), task('TASK-1', { required: true })])).toBe('INC-1: 1 open task of 2\nTASK-1 [open] (required) do TASK-1\nTASK-2 [done] do TASK-2');
  });
});
