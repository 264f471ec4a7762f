import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { createScratchDatabase } from '../../db/admin.js';
import { runMigrations } from '../../db/migrate.js';
import { ensureTemporalCli } from '../../worker/temporal-cli.js';
import { startDevServer } from '../../worker/dev-server.js';
import { FAILURE_CONVERTER_PATH } from '../../platform/codec.js';
import { WORKFLOWS_PATH } from '../../worker/worker.js';
import { quietBundlerLogger } from './quiet-bundler-logger.js';

// One real Temporal dev server and one fresh, migrated Postgres database per test run (DESIGN.md
// §4, §6), shared by every file of the system project and removed again afterwards.

const NAMESPACE = 'default';

type Cleanup = () => Promise<void>;

export default async function setup(project: TestProject): Promise<Cleanup> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const cleanups: Cleanup[] = [];
  const teardown = () => runCleanups([...cleanups].reverse());
  try {
    const cli = await ensureTemporalCli({ log: say });
    const server = await startDevServer({ cli, uiPort: false, namespace: NAMESPACE });
    cleanups.push(() => server.stop());
    say(`Temporal dev server at ${server.address}`);

    const database = await createScratchDatabase('firebreak_test');
    cleanups.push(() => database.drop());
    const databaseUrl = database.url;
    say(`test database ${database.name}`);
    await runMigrations(databaseUrl);

    // One workflow bundle for the whole run instead of one per test file.
    const bundleDir = mkdtempSync(join(tmpdir(), 'firebreak-bundle-'));
    cleanups.push(async () => rmSync(bundleDir, { recursive: true, force: true }));
    const bundlePath = join(bundleDir, 'workflows.js');
    writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundlerLogger })).code);
    project.provide('workflowBundlePath', bundlePath);

    project.provide('temporalAddress', server.address);
    project.provide('temporalNamespace', NAMESPACE);
    project.provide('databaseUrl', databaseUrl);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

// Every cleanup runs even if an earlier one fails, so one stuck step cannot leak the others.
async function runCleanups(cleanups: Cleanup[]): Promise<void> {
  let firstError: unknown;
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      firstError ??= error;
    }
  }
  if (firstError !== undefined) throw firstError;
}
