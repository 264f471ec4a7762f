import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLaunchDarklyProvider } from '../../activities/flags/index.js';
import { getIncidentView, runIncidentUpdate } from '../../bots/workflow-client.js';
import * as msg from '../../workflows/incident/messages.js';
import { alice, bob, carol, dave, declareOn, flagAudits, flagUpdate, refusal, rollback, rollbackRow } from '../helpers/flags.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';
import { startLaunchDarklyStandIn, type LaunchDarklyStandIn } from '../standins/launchdarkly-api.js';

// search's flags are on LaunchDarkly (project search, environment test) and need an approval
// (test/fixtures/policy.yaml); carol alone may use the emergency bypass.
let ld: LaunchDarklyStandIn;
let system: TestSystem;

beforeAll(async () => {
  ld = await startLaunchDarklyStandIn();
  system = await startTestSystem({ flagProviders: { launchdarkly: createLaunchDarklyProvider({ apiUrl: ld.url, apiToken: ld.token }) } });
});
afterAll(async () => {
  await system?.stop();
  await ld?.stop();
});
beforeEach(() => {
  ld.setFlag('search', 'semantic-ranking', { test: false, production: false });
  ld.recordChange('search', 'semantic-ranking', 'test', true, 'dana@acme.example', 30);
});

async function withCommander(commander = alice): Promise<string> {
  const incident = await declareOn(system, ['search']);
  await runIncidentUpdate(system, incident, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: commander });
  return incident;
}

describe('flag rollback on LaunchDarkly', () => {
  it('waits for a second person to approve, then turns the flag off with a semantic patch, through a 429', async () => {
    const incident = await withCommander();
    expect(await refusal(rollback(system, incident, { actor: dave, flags: ['semantic-ranking'] }))).toMatch(/^slack:U0DAVE is not in any team of the policy/);
    expect(await refusal(rollback(system, incident, { actor: bob, flags: ['semantic-ranking'] }))).toMatch(/^Only the incident commander or a member of team sre may roll back/);
    const requested = await rollback(system, incident, { actor: alice, flags: ['semantic-ranking'], reason: 'ranking timeouts' });
    expect(requested).toMatchObject({ ok: true, flags: [{ status: 'awaiting approval' }] });
    expect(ld.isOn('search', 'semantic-ranking', 'test')).toBe(true);
    expect(await refusal(flagUpdate(system, incident, msg.approveFlagRollbackUpdate, { actor: alice, flag: 'semantic-ranking' }))).toMatch(/^You cannot approve your own rollback/);
    expect(await refusal(flagUpdate(system, incident, msg.approveFlagRollbackUpdate, { actor: bob, flag: 'semantic-ranking' }))).toMatch(/^Only the incident commander or a member of team sre/);

    ld.rateLimit(1, 300);
    const approved = await flagUpdate(system, incident, msg.approveFlagRollbackUpdate, { actor: carol, flag: 'semantic-ranking' });
    expect(approved).toMatchObject({ ok: true, flags: [{ status: 'rolled back' }] });
    expect(approved.text).toMatch(/^Rolled back semantic-ranking in test: on → off \(before dana@acme.example turned it on at .*\)\. Reason: ranking timeouts$/);
    expect(ld.isOn('search', 'semantic-ranking', 'test')).toBe(false);
    expect(ld.calls.some((c) => c.status === 429)).toBe(true);
    const patch = ld.calls.find((c) => c.method === 'PATCH' && c.status === 200)!;
    expect(patch.contentType).toBe('application/json; domain-model=launchdarkly.semanticpatch');
    expect(patch.body).toMatchObject({ environmentKey: 'test', instructions: [{ kind: 'turnFlagOff' }], comment: expect.stringMatching(new RegExp(`^Firebreak ${incident} by alice: ranking timeouts \\[${incident}/semantic-ranking/\\d+\\]$`)) });
    expect(ld.audit('search', 'semantic-ranking')[0]).toMatchObject({ titleVerb: 'turned off the flag', comment: patch.body!.comment });
    expect((await flagAudits(system, incident)).map((a) => a.action)).toEqual(['flag.rollback_requested', 'flag.approve', 'flag.rollback']);
    expect(await rollbackRow(system, incident, 'semantic-ranking')).toMatchObject({ status: 'rolled back', approvedBy: { id: carol.id }, requestedBy: { id: alice.id }, emergency: false });
  });

  it('lets the person the policy names bypass the approval in an emergency, recorded in the audit log', async () => {
    // alice commands but the policy's emergencyBypass names only carol.
    const incident = await withCommander(alice);
    expect(await refusal(rollback(system, incident, { actor: alice, flags: ['semantic-ranking'], reason: 'emergency: search is down' }))).toBe('Only carol may use the emergency bypass.');
    const result = await rollback(system, incident, { actor: carol, flags: ['semantic-ranking'], reason: 'emergency: search is down' });
    expect(result).toMatchObject({ ok: true, flags: [{ status: 'rolled back' }] });
    expect(ld.isOn('search', 'semantic-ranking', 'test')).toBe(false);
    const audits = await flagAudits(system, incident);
    expect(audits.map((a) => a.action)).toEqual(['flag.emergency_bypass', 'flag.rollback']);
    expect(audits[0]).toMatchObject({ actor: { id: carol.id }, details: { reason: 'search is down' } });
    expect(await rollbackRow(system, incident, 'semantic-ranking')).toMatchObject({ emergency: true, reason: 'search is down' });
  });

  it('refuses flags the policy does not list and records nothing', async () => {
    const incident = await withCommander(carol);
    expect(await refusal(rollback(system, incident, { actor: carol, flags: ['query-cache'] }))).toMatch(/^No service in the policy lists a flag "query-cache"/);
    expect(await flagAudits(system, incident)).toEqual([]);
    expect((await getIncidentView(system, incident)).flagChanges).toEqual([]);
  });
});
