import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseWorkflowBundle } from '../../worker/workflow-bundle.js';
import { bundleManifestPath, workflowSourceHash } from '../../worker/workflow-sources.js';

// Which workflow code a start runs (worker/main.ts): npm run build's bundle only while it was built
// from the workflow sources in the checkout, so an edited workflow is never run from an old bundle.

let root: string;
const bundle = () => join(root, 'dist', 'workflows.js');

function checkout(): void {
  for (const dir of ['workflows/incident', 'domain', 'platform', 'dist']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'workflows/index.ts'), "export * from './incident/workflow.js';\n");
  writeFileSync(join(root, 'workflows/incident/workflow.ts'), 'export async function incidentWorkflow() {}\n');
  writeFileSync(join(root, 'domain/ids.ts'), 'export const prefix = "INC";\n');
  writeFileSync(join(root, 'platform/failure-converter.cjs'), 'exports.failureConverter = {};\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
}

async function build(): Promise<void> {
  writeFileSync(bundle(), '// bundle\n');
  writeFileSync(join(root, 'dist', 'workflows.tracing.js'), '// tracing bundle\n');
  writeFileSync(bundleManifestPath(bundle()), JSON.stringify({ sourceHash: await workflowSourceHash(root) }));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'firebreak-bundle-choice-'));
  checkout();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('choosing the workflow bundle at start', () => {
  it('uses FIREBREAK_WORKFLOW_BUNDLE as given', async () => {
    expect(await chooseWorkflowBundle('/app/dist/workflows.js', false, { root, compiled: false })).toMatchObject({ bundlePath: '/app/dist/workflows.js' });
  });

  it('bundles from source when no build is there', async () => {
    const choice = await chooseWorkflowBundle(undefined, false, { root, compiled: false });
    expect(choice.bundlePath).toBeUndefined();
    expect(choice.reason).toMatch(/no prebuilt workflow bundle at dist\/workflows\.js/);
  });

  it('uses the bundle built from the sources in the checkout', async () => {
    await build();
    expect(await chooseWorkflowBundle(undefined, false, { root, compiled: false })).toMatchObject({ bundlePath: bundle() });
    expect(await chooseWorkflowBundle(undefined, true, { root, compiled: false })).toMatchObject({ bundlePath: bundle() });
  });

  it.each([
    ['a workflow', 'workflows/incident/workflow.ts'],
    ['domain code workflows import', 'domain/ids.ts'],
    ['the failure converter', 'platform/failure-converter.cjs'],
    ['the locked dependencies', 'package-lock.json'],
  ])('bundles from source again after %s changed', async (_what, file) => {
    await build();
    appendFileSync(join(root, file), '\n');
    const choice = await chooseWorkflowBundle(undefined, false, { root, compiled: false });
    expect(choice.bundlePath).toBeUndefined();
    expect(choice.reason).toMatch(/stale/);
  });

  it('bundles from source when a new workflow file appears', async () => {
    await build();
    writeFileSync(join(root, 'workflows/incident/handlers.ts'), 'export {};\n');
    expect((await chooseWorkflowBundle(undefined, false, { root, compiled: false })).bundlePath).toBeUndefined();
  });

  it('treats a bundle without a recorded hash as stale', async () => {
    await build();
    rmSync(bundleManifestPath(bundle()));
    expect((await chooseWorkflowBundle(undefined, false, { root, compiled: false })).bundlePath).toBeUndefined();
  });

  it('bundles from source when tracing needs the tracing bundle and only the plain one is there', async () => {
    await build();
    rmSync(join(root, 'dist', 'workflows.tracing.js'));
    expect((await chooseWorkflowBundle(undefined, true, { root, compiled: false })).bundlePath).toBeUndefined();
  });

  it('runs compiled code with its own bundle: trusted without sources (the image), a warning when the sources moved on', async () => {
    await build();
    rmSync(join(root, 'workflows'), { recursive: true });
    expect(await chooseWorkflowBundle(undefined, false, { root, compiled: true })).toMatchObject({ bundlePath: bundle() });
    checkout();
    appendFileSync(join(root, 'workflows/index.ts'), '\n');
    const choice = await chooseWorkflowBundle(undefined, false, { root, compiled: true });
    expect(choice).toMatchObject({ bundlePath: bundle(), stale: true });
    expect(choice.reason).toMatch(/run npm run build/);
  });
});
