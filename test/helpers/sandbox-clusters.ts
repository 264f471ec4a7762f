// Two password-auth PostgreSQL clusters for the sandbox tests: a source loaded with the PII
// fixture, and a sandbox server that starts empty. Started the same way the access tests start
// theirs (test/helpers/pg-cluster.ts).

import { readFileSync } from 'node:fs';
import pg from 'pg';
import { parsePolicy, type Policy } from '../../domain/policy/index.js';
import { fixtureRules } from '../fixtures/sandbox/rules.js';
import { startPgCluster, type PgCluster } from './pg-cluster.js';

export interface SandboxClusters {
  source: PgCluster;
  sandbox: PgCluster;
  /** Superuser URL of the fixture database on the source. */
  sourceUrl: string;
  stop(): Promise<void>;
}

export const FIXTURE_SQL = new URL('../fixtures/sandbox/source.sql', import.meta.url);

export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function startSandboxClusters(): Promise<SandboxClusters> {
  const [source, sandbox] = await Promise.all([startPgCluster(), startPgCluster()]);
  try {
    await query(source.adminUrl, 'CREATE DATABASE app');
    await query(source.urlFor('app'), readFileSync(FIXTURE_SQL, 'utf8'));
  } catch (error) {
    await Promise.all([source.stop(), sandbox.stop()]);
    throw error;
  }
  return {
    source,
    sandbox,
    sourceUrl: source.urlFor('app'),
    stop: async () => {
      await Promise.all([source.stop(), sandbox.stop()]);
    },
  };
}

/** The test policy with a sandboxes section for the fixture; the source URL comes from `urlEnv`. */
export function sandboxPolicy(urlEnv = 'SBX_TEST_SOURCE_URL'): Policy {
  const rules = fixtureRules();
  const masking = rules.masking as NonNullable<Policy['sandboxes']>['sources'][string]['masking'];
  // Read here rather than through helpers/system.ts, which needs a vitest run: worker children use this too.
  const base = parsePolicy(readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8'), 'test/fixtures/policy.yaml');
  return { ...base, sandboxes: { sources: { primary: { urlEnv, masking } }, defaultTtlSeconds: 30, maxTtlSeconds: 60, subset: rules.subset } };
}
