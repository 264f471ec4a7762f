// Sensitive-content detection covers every value a sandbox copies unmasked, not a sample: a text
// column with no rule whose first thousands of rows are harmless and whose 5,000th holds a customer
// e-mail stops the clone, and nothing of the sandbox is left on the sandbox server.

import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneSandbox } from '../../activities/sandbox/clone.js';
import type { CloneResult } from '../../workflows/sandbox/messages.js';
import { createSandboxActivities } from '../../activities/sandbox/index.js';
import { destroySandboxDatabase } from '../../activities/sandbox/target.js';
import type { Policy } from '../../domain/policy/index.js';
import type { MaskingRules } from '../../domain/policy/masking.js';
import { SandboxPlanError } from '../../domain/sandbox/plan.js';
import type { SandboxRules } from '../../domain/sandbox/types.js';
import { createRedactor } from '../../domain/redact.js';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { query, sandboxPolicy } from '../helpers/sandbox-clusters.js';
import { testTemporalLogger } from '../helpers/test-log.js';

let source: PgCluster;
let sandbox: PgCluster;
const EMAIL = 'jane.doe@customer-mail.example.com';

beforeAll(async () => {
  [source, sandbox] = await Promise.all([startPgCluster(), startPgCluster()]);
  await query(source.adminUrl, 'CREATE DATABASE support');
  // Two tables, so the copy runs on two lanes as it does in production; the e-mail sits far past
  // the 200 rows the plan samples, in primary-key order (the copy's order).
  await query(
    source.urlFor('support'),
    `CREATE TABLE tickets (id int PRIMARY KEY, summary text NOT NULL, status text NOT NULL);
     INSERT INTO tickets SELECT i, CASE WHEN i = 5000 THEN 'Customer asks to reply to ${EMAIL}' ELSE 'Printer on floor ' || (i % 7) || ' is jammed' END, (ARRAY['open', 'closed'])[1 + i % 2]
       FROM generate_series(1, 6000) i;
     CREATE TABLE queues (id int PRIMARY KEY, title text NOT NULL);
     INSERT INTO queues SELECT i, 'Queue ' || i FROM generate_series(1, 300) i;`,
  );
});
afterAll(async () => {
  await Promise.all([source?.stop(), sandbox?.stop()]);
});

function clone(sandboxId: string, masking: SandboxRules['masking']) {
  return cloneSandbox({
    sandboxId,
    sourceUrl: source.urlFor('support'),
    sandboxAdminUrl: sandbox.adminUrl,
    seed: 1,
    secret: 'sandbox-detection-test-secret',
    rules: { subset: {}, masking },
    source: 'primary',
    redactor: createRedactor(),
  });
}

async function leftOnSandboxServer(name: string) {
  return {
    databases: await query(sandbox.adminUrl, 'SELECT datname FROM pg_database WHERE datname = $1', [name]),
    roles: await query(sandbox.adminUrl, 'SELECT rolname FROM pg_roles WHERE rolname = $1', [name]),
  };
}

describe('content detection during the copy', () => {
  it('stops at an e-mail in row 5,000 of an unruled column, names it, and drops the partial sandbox', async () => {
    const refused = await clone('SBX-40', {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SandboxPlanError);
    const message = (refused as Error).message;
    expect(message).toMatch(/^Column public\.tickets\.summary looks sensitive \(its values look like email, first in row 5,000 of the copy\)/);
    expect(message).toContain('add sandboxes.sources.primary.masking.tickets.summary to the policy');
    expect(message).not.toContain(EMAIL);
    expect(await leftOnSandboxServer('sandbox_sbx_40')).toEqual({ databases: [], roles: [] });
  });

  it('clones the same source once the column has a rule', async () => {
    const result = await clone('SBX-41', { tickets: { summary: 'tokenize' } });
    expect(result.rowCounts).toEqual({ 'public.queues': 300, 'public.tickets': 6000 });
    const leaked = await query<{ n: string }>(sandbox.urlFor(result.database), `SELECT count(*) AS n FROM tickets WHERE summary LIKE '%customer-mail%'`);
    expect(leaked[0]!.n).toBe('0');
    // Harmless unruled columns are still copied as they are.
    const statuses = await query<{ status: string }>(sandbox.urlFor(result.database), 'SELECT DISTINCT status FROM tickets ORDER BY 1');
    expect(statuses.map((r) => r.status)).toEqual(['closed', 'open']);
    await destroySandboxDatabase(sandbox.adminUrl, 'SBX-41');
  });

  it('leaves a column the policy says to keep to that judgement', async () => {
    const result = await clone('SBX-42', { tickets: { summary: 'keep' } });
    expect(result.rowCounts['public.tickets']).toBe(6000);
    await destroySandboxDatabase(sandbox.adminUrl, 'SBX-42');
  });
});

describe('the provisioning activity', () => {
  // Two sources, each with a table named tickets: only the source being cloned has its rules read.
  const policyWith = (supportRules: MaskingRules): Policy => {
    const base = sandboxPolicy('SBX_DETECT_SUPPORT_URL');
    const sources = { support: { urlEnv: 'SBX_DETECT_SUPPORT_URL', masking: supportRules }, archive: { urlEnv: 'SBX_DETECT_ARCHIVE_URL', masking: { tickets: { summary: 'tokenize' as const } } } };
    return { ...base, sandboxes: { ...base.sandboxes!, subset: {}, sources } };
  };
  const provision = (adminUrl: string, supportRules: MaskingRules): Promise<CloneResult> =>
    new MockActivityEnvironment(undefined, { logger: testTemporalLogger() }).run(
      createSandboxActivities({
        db: undefined as never,
        policy: () => policyWith(supportRules),
        redactor: createRedactor(),
        notifiers: [],
        settings: { adminUrl, secret: 'sandbox-detection-test-secret', env: { SBX_DETECT_SUPPORT_URL: source.urlFor('support') } },
      }).provisionSandbox,
      { sandbox: 'SBX-43', source: 'support', seed: 1 },
    );

  it("fails non-retryably with the refusal a person reads, and another source's rules do not count", async () => {
    const refused = await provision(sandbox.adminUrl, {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: 'SandboxRefused', nonRetryable: true });
    expect((refused as Error).message).toContain('Column public.tickets.summary looks sensitive (its values look like email');
    expect((refused as Error).message).toContain('add sandboxes.sources.support.masking.tickets.summary');
    expect(await leftOnSandboxServer('sandbox_sbx_43')).toEqual({ databases: [], roles: [] });

    const built = await provision(sandbox.adminUrl, { tickets: { summary: { constant: '[masked]' } } });
    expect(built.rowCounts['public.tickets']).toBe(6000);
    await destroySandboxDatabase(sandbox.adminUrl, 'SBX-43');
  });
});
