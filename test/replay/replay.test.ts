import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { temporal } from '@temporalio/proto';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../worker/worker.js';
import { testDataConverter } from '../helpers/encryption.js';
import { ALTERED_STEP } from './altered-steps.js';

const HISTORIES = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const ALTERED_WORKFLOWS = fileURLToPath(new URL('./altered-workflows.ts', import.meta.url));
const ALTERED_STEPS = fileURLToPath(new URL('./altered-steps.ts', import.meta.url));
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

/** One recorded history per workflow type the worker registers (workflows/index.ts), and its type. */
const EVERY_TYPE: [file: string, workflowType: string][] = [
  ['incident-lifecycle.json', 'incidentWorkflow'],
  ['declare.json', 'declareIncidentWorkflow'],
  ['postmortem-lifecycle.json', 'postmortemWorkflow'],
  ['grant-lifecycle.json', 'accessGrantWorkflow'],
  ['sandbox-lifecycle.json', 'sandboxWorkflow'],
  ['incident-flag-saga.json', 'incidentWorkflow'],
  ['retention.json', 'retentionWorkflow'],
  ['weekly-digest.json', 'weeklyDigestWorkflow'],
  ['github-redelivery.json', 'githubRedeliveryWorkflow'],
  ['github-delivery.json', 'githubDeliveryWorkflow'],
  ['alert-group.json', 'alertGroupWorkflow'],
  ['page-escalation.json', 'pageEscalationWorkflow'],
  ['audit-seal.json', 'auditSealWorkflow'],
  ['webhook-delivery.json', 'webhookDeliveryWorkflow'],
  ['webhook-replay.json', 'webhookReplayWorkflow'],
  ['rule-run.json', 'ruleWorkflow'],
];
const NEW_HISTORIES = EVERY_TYPE.slice(3).map(([file]) => file);

function load(file: string) {
  return historyFromJSON(JSON.parse(readFileSync(`${HISTORIES}${file}`, 'utf8')));
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const activities = (events: HistoryEvent[]) => events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
const updates = (events: HistoryEvent[]) => events.flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? []);

describe('replaying recorded histories', () => {
  it('has histories recorded from real runs', () => {
    expect(files).toEqual(expect.arrayContaining(['v1-incident-lifecycle.json', 'v1-declare.json', 'v1-incident-continue-as-new.json', 'v2-incident-lifecycle.json', 'v2-declare.json', 'v2-incident-continue-as-new.json', 'incident-lifecycle.json', 'declare.json', 'incident-continue-as-new.json']));
    const events = load('incident-lifecycle.json').events ?? [];
    // Eight updates, a reminder on a durable timer, and a run that closed the incident.
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length).toBe(8);
    expect(events.some((e) => e.timerStartedEventAttributes)).toBe(true);
    expect(events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
    // Its own rows are local activities (markers in its workflow tasks) since issue 16; the v2
    // recording, from before, scheduled them and still replays that way.
    expect(activities(events)).not.toContain('recordIncidentEvent');
    expect(events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length).toBeGreaterThan(8);
    expect(activities(load('v2-incident-lifecycle.json').events ?? [])).toContain('recordIncidentEvent');
    expect(activities(load('v2-declare.json').events ?? [])).toEqual(['loadPolicy', 'allocateIncident']);
    expect(activities(load('declare.json').events ?? [])).toEqual([]);
    const continued = load('incident-continue-as-new.json').events ?? [];
    expect(continued.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
  });

  it('covers every workflow type the worker registers, each run recorded to its end and kept small', async () => {
    const registered = Object.keys(await import('../../workflows/index.js')).sort();
    expect([...new Set(EVERY_TYPE.map(([, type]) => type))].sort()).toEqual(registered);
    for (const [file, type] of EVERY_TYPE) {
      const events = load(file).events ?? [];
      expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name, file).toBe(type);
      expect(events.at(-1)?.workflowExecutionCompletedEventAttributes, file).toBeTruthy();
      expect(events.length, file).toBeLessThan(400);
    }
  });

  it('has the steps each new history was recorded to cover', () => {
    const grant = load('grant-lifecycle.json').events ?? [];
    // Requested, approved, extended past what was approved (so approved again), warned, expired.
    expect(updates(grant)).toEqual(['approve', 'extend', 'approve']);
    expect(activities(grant)).toEqual(expect.arrayContaining(['activateGrant', 'extendGrant', 'deprovisionGrant']));
    expect(grant.filter((e) => e.timerFiredEventAttributes).length).toBe(2);

    const sandbox = load('sandbox-lifecycle.json').events ?? [];
    expect(updates(sandbox)).toEqual(['extend', 'destroy']);
    expect(activities(sandbox)).toEqual(expect.arrayContaining(['provisionSandbox', 'issueSandboxCredentials', 'extendSandboxCredentials', 'destroySandbox']));

    const flags = load('incident-flag-saga.json').events ?? [];
    expect(updates(flags)).toEqual(['rollbackFlags', 'rollbackFlags', 'resolve', 'decideFlag']);
    // The two-flag saga: new-checkout switched, smart-retries missing, new-checkout switched back;
    // then new-checkout alone, its error rate checked, kept after resolve.
    const flagSteps = activities(flags).filter((a) => ['prepareFlagRollback', 'applyFlagChange', 'checkErrorRate', 'getFlagRollback'].includes(a));
    expect(flagSteps).toEqual(['prepareFlagRollback', 'applyFlagChange', 'prepareFlagRollback', 'applyFlagChange', 'prepareFlagRollback', 'applyFlagChange', 'checkErrorRate', 'getFlagRollback']);

    expect(activities(load('retention.json').events ?? [])).toEqual(['planRetention', 'purgeExpired', 'purgeExpired', 'purgeExpired', 'recordRetentionReport']);
    expect(activities(load('weekly-digest.json').events ?? [])).toEqual(['sendWeeklyDigests']);
    // One delivery sent again, one refused (older than three days), and the run still completes.
    const redelivery = load('github-redelivery.json').events ?? [];
    expect(activities(redelivery)).toEqual(['findFailedGitHubDeliveries', 'redeliverGitHubDelivery', 'redeliverGitHubDelivery']);
    expect(redelivery.filter((e) => e.activityTaskFailedEventAttributes).length).toBe(1);
    // A delivery's record, then its reply; and a declaration from an issue that links the issue.
    // Since issue 16 the record is a local activity (a marker); v1 scheduled it and replays so.
    const delivery = load('github-delivery.json').events ?? [];
    expect(activities(delivery)).toEqual(['postGitHubReply']);
    expect(delivery.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toHaveLength(1);
    expect(activities(load('v1-github-delivery.json').events ?? [])).toEqual(['recordGitHubDelivery', 'postGitHubReply']);
    expect(activities(load('v1-github-delivery-awaiting.json').events ?? [])[0]).toBe('recordGitHubDelivery');
    expect(activities(load('github-delivery-awaiting.json').events ?? [])).not.toContain('recordGitHubDelivery');
    expect(activities(load('declare-github-issue.json').events ?? [])).toContain('linkGitHubIssue');
    // A private declaration (its patch marker), then an incident that took two invitations and three privacy changes (one of each refused in its queue).
    const patches = (load('declare-private.json').events ?? []).flatMap((e) => e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []);
    expect(patches.map((p) => Buffer.from(p.data ?? '').toString())).toContain('{"id":"declare-private-incidents","deprecated":false}');
    const privacyUpdates = (load('incident-private.json').events ?? []).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).filter((n) => n === 'invite' || n === 'setPrivacy');
    expect(privacyUpdates).toEqual(['invite', 'invite', 'setPrivacy', 'setPrivacy', 'setPrivacy']);
    // Two alerts declared (a child declaration), noted once each; the re-send adds nothing; both
    // resolutions and the "all resolved" note; then the run ends on its timer.
    const group = load('alert-group.json').events ?? [];
    expect(group.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length).toBe(1);
    expect(activities(group)).toEqual(['loadPolicy', 'findOpenIncidentForService', 'addAlertNote', 'addAlertNote', 'addAlertNote', 'addAlertNote', 'addAlertNote']);
    expect(group.some((e) => e.timerFiredEventAttributes)).toBe(true);
    // A page nobody acknowledged: two waits, each followed by the check, the note and the DM.
    const escalation = load('page-escalation.json').events ?? [];
    expect(activities(escalation)).toEqual(['planPageEscalation', 'recordPageEscalation', 'notifyPostmortem', 'planPageEscalation', 'recordPageEscalation', 'notifyPostmortem']);
    expect(escalation.filter((e) => e.timerFiredEventAttributes).length).toBe(2);
    // The scheduled seal: one checkpoint over the chain that moved.
    expect(activities(load('audit-seal.json').events ?? [])).toEqual(['sealAuditCheckpoint']);
    // A webhook event delivered on its second try (one activity, retried by Temporal), and a replay of
    // the two events a subscriber missed while it was down.
    expect(activities(load('webhook-delivery.json').events ?? [])).toEqual(['deliverWebhookEvent']);
    expect(activities(load('webhook-replay.json').events ?? [])).toEqual(['selectWebhookReplay', 'redeliverWebhookEvent', 'redeliverWebhookEvent']);
    // A rule run: a role assigned through the incident, a wait after which its condition still held
    // (read from the incident), a Slack post that failed (no Slack on that worker), and its report.
    const rule = load('rule-run.json').events ?? [];
    expect(activities(rule)).toEqual(['runRuleIncidentStep', 'ruleIncidentFacts', 'postRuleMessage', 'reportRuleRun']);
    expect(rule.filter((e) => e.timerFiredEventAttributes).length).toBe(1);
    // The incident that started it: the child's start under its rule workflow ID, and the run's report.
    const ruled = load('incident-rules.json').events ?? [];
    expect(ruled.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name === 'ruleWorkflow').length).toBe(1);
    expect(updates(ruled)).toContain('ruleReport');
  });

  // With the payload codec on, as production workers replay: histories from before encryption
  // carry plaintext payloads, which the codec passes through.
  it.each(files)('%s replays deterministically against the current workflow code', async (file) => {
    await expect(Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH, dataConverter: testDataConverter }, load(file))).resolves.toBeUndefined();
  });

  it('fails with DeterminismViolationError when workflow code changes without patched()', async () => {
    const failure = await Worker.runReplayHistory({ workflowsPath: ALTERED_WORKFLOWS }, load('incident-lifecycle.json')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DeterminismViolationError);
  });
});

describe('each new history against altered workflow code', () => {
  let alteredAtStart: WorkflowBundle;
  let alteredStep: WorkflowBundle;
  beforeAll(async () => {
    const logger = { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => process.stderr.write(`bundler: ${m}\n`) };
    alteredAtStart = await bundleWorkflowCode({ workflowsPath: ALTERED_WORKFLOWS, logger });
    alteredStep = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: [ALTERED_STEPS], logger });
  });
  const replay = (bundle: WorkflowBundle, file: string) =>
    Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: testDataConverter }, load(file)).then(
      () => undefined,
      (e: unknown) => e,
    );

  it.each(NEW_HISTORIES)('%s fails with DeterminismViolationError when a timer is added before the workflow starts', async (file) => {
    expect(await replay(alteredAtStart, file)).toBeInstanceOf(DeterminismViolationError);
  });

  it.each(NEW_HISTORIES)('%s fails with DeterminismViolationError when one of its later steps changes', async (file) => {
    const type = EVERY_TYPE.find(([f]) => f === file)![1];
    expect(activities(load(file).events ?? []), `${file} reaches ${ALTERED_STEP[type]}`).toContain(ALTERED_STEP[type]);
    expect(await replay(alteredStep, file)).toBeInstanceOf(DeterminismViolationError);
  });

  it('replays a history that never reaches the altered step: the failures above come from the step', async () => {
    // The lifecycle incident rolls back no flag, so the altered flag switch is never scheduled.
    expect(await replay(alteredStep, 'incident-lifecycle.json')).toBeUndefined();
  });
});
