// `role NAME @user` for a policy role from the real `firebreak` binary (issue 17 §2): the same
// parser and incident update as Slack and GitHub; `status` lists every role; a role the policy does
// not know is refused in one sentence naming the roles it knows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncidentView } from '../../bots/workflow-client.js';
import type { Policy } from '../../domain/policy/index.js';
import { cliEnv, runCli } from '../helpers/run-cli.js';
import { loadTestPolicy, startTestSystem, type TestSystem } from '../helpers/system.js';

const base = loadTestPolicy();
const policy: Policy = {
  ...base,
  roles: { 'ops-lead': { instructions: 'Open the ops bridge.', required: false }, 'customer-liaison': { instructions: 'Call the customers.', required: true } },
};

let system: TestSystem;
let env: Record<string, string>;
beforeAll(async () => {
  system = await startTestSystem({ policy });
  env = cliEnv(system);
});
afterAll(async () => {
  await system?.stop();
});

describe('roles from the CLI', () => {
  it('gives a policy role by handle, shows every role in status, and refuses an unknown one', async () => {
    const declared = await runCli(['declare', 'Ledger', 'drift', '--sev', '3', '--service', 'payments'], env);
    const key = /^(INC-\d+) declared$/m.exec(declared.stdout)?.[1];
    expect(key, declared.stderr).toBeDefined();

    expect((await runCli(['run', `${key} role ops-lead @bob`], env)).code).toBe(0);
    expect((await getIncidentView(system, key!)).roles['ops-lead']).toMatchObject({ name: 'bob' });
    const status = await runCli(['status', key!], env);
    expect(status.stdout).toContain('ops-lead: bob');
    expect(status.stdout).toContain('customer-liaison: — (required)');

    const refused = await runCli(['run', `${key} role boss @bob`], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('"boss" is not an incident role; the roles are commander, comms, scribe, ops-lead, customer-liaison.');
    expect(Object.keys((await getIncidentView(system, key!)).roles)).toEqual(['ops-lead']);
  });
});
