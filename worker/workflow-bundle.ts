// Workflow code bundled ahead of time (`npm run build`, done in the Docker build) so a worker starts
// without webpack. Two bundles are written: the plain one, and one that also carries the
// OpenTelemetry workflow interceptors for workers that trace. Interceptors must be inside the
// bundle; the worker ignores `interceptors.workflowModules` when given a prebuilt one. Beside them,
// the hash of the sources they were built from (worker/workflow-sources.ts), so a start never runs
// a bundle older than the workflow code in the checkout.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, relative } from 'node:path';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../platform/codec.js';
import { WORKFLOWS_PATH } from './worker.js';
import { PROJECT_ROOT, RUNNING_COMPILED, bundleManifestPath, defaultBundlePath, recordedSourceHash, workflowSourceHash } from './workflow-sources.js';

export const TRACING_INTERCEPTORS_MODULE = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** `dist/workflows.js` → `dist/workflows.tracing.js`. */
export function tracingBundlePath(bundlePath: string): string {
  return bundlePath.endsWith('.js') ? `${bundlePath.slice(0, -'.js'.length)}.tracing.js` : `${bundlePath}.tracing.js`;
}

type BundlerLogger = NonNullable<Parameters<typeof bundleWorkflowCode>[0]['logger']>;

export async function writeWorkflowBundles(bundlePath: string, logger?: BundlerLogger): Promise<{ plain: string; tracing: string }> {
  await mkdir(dirname(bundlePath), { recursive: true });
  const tracing = tracingBundlePath(bundlePath);
  // Hashed before bundling: a file edited meanwhile makes the bundle look stale, never current.
  const sourceHash = await workflowSourceHash();
  const plainCode = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger });
  await writeFile(bundlePath, plainCode.code);
  const tracingCode = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, workflowInterceptorModules: [TRACING_INTERCEPTORS_MODULE], logger });
  await writeFile(tracing, tracingCode.code);
  await writeFile(bundleManifestPath(bundlePath), `${JSON.stringify({ sourceHash: sourceHash ?? null, builtAt: new Date().toISOString() }, null, 2)}\n`);
  return { plain: bundlePath, tracing };
}

export interface BundleChoice {
  /** The prebuilt bundle to run, or undefined to bundle the workflows from source at start. */
  bundlePath?: string;
  /** One log line: which code the worker runs and why. */
  reason: string;
  /** A stale dist/ run anyway (compiled code and its bundle are equally old): worth a warning. */
  stale?: boolean;
}

/**
 * FIREBREAK_WORKFLOW_BUNDLE wins. Otherwise `npm run build`'s dist/workflows.js is used when it was
 * built from the workflow sources in this checkout (or no sources are here, as in the image); from
 * source (`npm start` through tsx) a missing or stale bundle means bundling at start, as a bundle
 * from older sources would replay histories with code the developer has already changed.
 */
export async function chooseWorkflowBundle(
  configured: string | undefined,
  tracing: boolean,
  where: { root: string; compiled: boolean } = { root: PROJECT_ROOT, compiled: RUNNING_COMPILED },
): Promise<BundleChoice> {
  if (configured) return { bundlePath: configured, reason: `workflow bundle ${configured} (FIREBREAK_WORKFLOW_BUNDLE)` };
  const bundlePath = defaultBundlePath(where.root);
  const shown = relative(where.root, bundlePath);
  if (!existsSync(bundlePath) || (tracing && !existsSync(tracingBundlePath(bundlePath)))) {
    return { reason: `no prebuilt workflow bundle at ${shown} (npm run build writes one): bundling the workflows from source` };
  }
  const [current, recorded] = await Promise.all([workflowSourceHash(where.root), recordedSourceHash(bundlePath)]);
  if (current === undefined) return { bundlePath, reason: `workflow bundle ${shown}, built with this compiled code` };
  if (current === recorded) return { bundlePath, reason: `workflow bundle ${shown}: current with the workflow sources` };
  if (where.compiled) {
    return { bundlePath, stale: true, reason: `workflow bundle ${shown} and the compiled code in dist/ are older than the sources: run npm run build` };
  }
  return { reason: `workflow bundle ${shown} is stale (the workflow sources changed since npm run build): bundling the workflows from source` };
}

/**
 * How the worker gets its workflow code: the prebuilt bundle (its tracing twin when tracing), or,
 * without one, bundled from source at start with the interceptors if needed.
 */
export function workflowCode(bundlePath: string | undefined, tracing: boolean): Pick<WorkerOptions, 'workflowBundle'> & { workflowModules?: string[] } {
  if (bundlePath) return { workflowBundle: { codePath: tracing ? tracingBundlePath(bundlePath) : bundlePath } };
  return tracing ? { workflowModules: [TRACING_INTERCEPTORS_MODULE] } : {};
}
