import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { adminUrlFromEnv, createScratchDatabase, databaseUrlFor, withAdminClient } from '../../db/admin.js';
import { ensureTemporalCli } from '../../worker/temporal-cli.js';
import { ROOT } from '../helpers/deploy-files.js';
import { ensureTemporalServerTools } from '../helpers/temporal-server-tools.js';

// The one-shot jobs docker-compose.yml runs before Temporal and Firebreak start, run here with the
// same tools the admin-tools image holds (the Temporal CLI; the SQL tool of the tested server
// version) against the run's real Temporal dev server and Postgres.

const run = promisify(execFile);

describe('deploy/register-search-attributes.sh', () => {
  it('creates a missing namespace, registers the four attributes once, and changes nothing when run again', async () => {
    const address = inject('temporalAddress');
    const connection = await Connection.connect({ address });
    const fresh = `deploy-${randomUUID().slice(0, 8)}`;
    try {
      const cli = await ensureTemporalCli();
      if (cli.kind !== 'binary') throw new Error('the script needs the temporal CLI binary');
      const script = () =>
        run('sh', [join(ROOT, 'deploy/register-search-attributes.sh')], {
          env: { ...process.env, TEMPORAL_CLI: cli.path, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: fresh, TEMPORAL_NAMESPACE_RETENTION: '24h' },
          timeout: 90_000,
        });
      expect((await script()).stdout.trim().split('\n')).toEqual([
        `namespace ${fresh} created`,
        'FirebreakIncident registered as Keyword',
        'FirebreakSeverity registered as Keyword',
        'FirebreakPhase registered as Keyword',
        'FirebreakServices registered as KeywordList',
      ]);
      const { config } = await connection.workflowService.describeNamespace({ namespace: fresh });
      expect(String(config?.workflowExecutionRetentionTtl?.seconds)).toBe(String(24 * 3600));
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: fresh });
      // temporal.api.enums.v1.IndexedValueType: 2 Keyword, 7 KeywordList.
      expect(customAttributes).toMatchObject({ FirebreakIncident: 2, FirebreakSeverity: 2, FirebreakPhase: 2, FirebreakServices: 7 });
      expect((await script()).stdout.trim().split('\n')).toEqual([
        `namespace ${fresh} exists`,
        'FirebreakIncident already registered',
        'FirebreakSeverity already registered',
        'FirebreakPhase already registered',
        'FirebreakServices already registered',
      ]);
    } finally {
      await connection.close();
    }
  }, 180_000);
});

/** The highest vX.Y directory under a versioned schema folder, as "X.Y". */
function latestVersion(versioned: string): string {
  const versions = readdirSync(versioned).map((entry) => entry.replace(/^v/, '').split('.').map(Number) as [number, number]);
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return versions.at(-1)!.join('.');
}

async function schemaVersion(adminUrl: string, database: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrlFor(adminUrl, database) });
  await client.connect();
  try {
    const { rows } = await client.query<{ curr_version: string }>('SELECT curr_version FROM schema_version ORDER BY version_partition, db_name');
    return rows.map((r) => r.curr_version).join(',');
  } finally {
    await client.end();
  }
}

describe('deploy/temporal-schema.sh', () => {
  it('creates both databases and brings them to the latest schema, and is harmless when run again', async () => {
    const tools = await ensureTemporalServerTools();
    const adminUrl = new URL(adminUrlFromEnv());
    // The visibility database exists beforehand (create-database keeps it); the main one does not.
    const visibility = await createScratchDatabase('fb_temporal_vis');
    const main = `fb_temporal_${Date.now()}_${process.pid}`;
    try {
      const script = () =>
        run('sh', [join(ROOT, 'deploy/temporal-schema.sh')], {
          env: {
            ...process.env,
            TEMPORAL_SQL_TOOL: tools.sqlTool,
            TEMPORAL_SCHEMA_DIR: tools.schemaDir,
            TEMPORAL_DATABASE: main,
            TEMPORAL_VISIBILITY_DATABASE: visibility.name,
            SQL_PLUGIN: 'postgres12',
            SQL_HOST: adminUrl.hostname,
            SQL_PORT: adminUrl.port || '5432',
            SQL_USER: decodeURIComponent(adminUrl.username),
            SQL_PASSWORD: decodeURIComponent(adminUrl.password),
          },
          timeout: 120_000,
        });
      const first = await script();
      expect(first.stdout).toContain(`${main} is at the latest temporal schema`);
      expect(first.stdout).toContain(`${visibility.name} is at the latest visibility schema`);
      const expected = { main: latestVersion(join(tools.schemaDir, 'temporal/versioned')), visibility: latestVersion(join(tools.schemaDir, 'visibility/versioned')) };
      expect({ main: await schemaVersion(adminUrl.href, main), visibility: await schemaVersion(adminUrl.href, visibility.name) }).toEqual(expected);
      await script();
      expect({ main: await schemaVersion(adminUrl.href, main), visibility: await schemaVersion(adminUrl.href, visibility.name) }).toEqual(expected);
    } finally {
      await visibility.drop();
      await withAdminClient(adminUrl.href, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(main)} WITH (FORCE)`));
    }
  }, 600_000);
});
