// `npm run build`: the compiled service and CLI in dist/ (tsc with tsconfig.build.json: ESM, source
// maps), the files they read at run time beside them (SQL migrations, the CommonJS failure
// converter), and the prebuilt workflow bundles with the hash of their sources. `npm run start:prod`
// and bin/firebreak.js run from here; `npm start` uses the workflow bundle while it is current.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { writeWorkflowBundles } from '../worker/workflow-bundle.js';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const ASSETS = ['db/migrations', 'platform/failure-converter.cjs'];

// Taken before compiling: a source edited during the build makes dist/ look older than it, never newer.
const startedAt = Date.now();
rmSync(DIST, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) {
  console.error('build: tsc failed');
  process.exit(1);
}

for (const asset of ASSETS) cpSync(join(ROOT, asset), join(DIST, asset), { recursive: true });

const bundles = await writeWorkflowBundles(join(DIST, 'workflows.js'), quietBundler());
mkdirSync(DIST, { recursive: true });
// bin/firebreak.js runs the compiled CLI only while no source file is newer than this.
writeFileSync(join(DIST, 'build-info.json'), `${JSON.stringify({ startedAt, node: process.version }, null, 2)}\n`);
console.log(`build: dist/ compiled; workflow bundles ${bundles.plain}, ${bundles.tracing}`);

function quietBundler() {
  const say = (message: string) => console.error(`bundler: ${message}`);
  return { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: say, error: say };
}
