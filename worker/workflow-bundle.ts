// Workflow code bundled ahead of time (`npm run bundle:workflows`, done in the Docker build) so a
// worker starts without webpack. Two bundles are written: the plain one, and one that also carries
// the OpenTelemetry workflow interceptors for workers that trace. Interceptors must be inside the
// bundle; the worker ignores `interceptors.workflowModules` when given a prebuilt one.

import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../platform/codec.js';
import { WORKFLOWS_PATH } from './worker.js';

export const TRACING_INTERCEPTORS_MODULE = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** `dist/workflows.js` → `dist/workflows.tracing.js`. */
export function tracingBundlePath(bundlePath: string): string {
  return bundlePath.endsWith('.js') ? `${bundlePath.slice(0, -'.js'.length)}.tracing.js` : `${bundlePath}.tracing.js`;
}

type BundlerLogger = NonNullable<Parameters<typeof bundleWorkflowCode>[0]['logger']>;

export async function writeWorkflowBundles(bundlePath: string, logger?: BundlerLogger): Promise<{ plain: string; tracing: string }> {
  await mkdir(dirname(bundlePath), { recursive: true });
  const tracing = tracingBundlePath(bundlePath);
  const plainCode = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger });
  await writeFile(bundlePath, plainCode.code);
  const tracingCode = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, workflowInterceptorModules: [TRACING_INTERCEPTORS_MODULE], logger });
  await writeFile(tracing, tracingCode.code);
  return { plain: bundlePath, tracing };
}

/**
 * How the worker gets its workflow code: the prebuilt bundle (its tracing twin when tracing), or,
 * without FIREBREAK_WORKFLOW_BUNDLE, bundled from source at start with the interceptors if needed.
 */
export function workflowCode(bundlePath: string | undefined, tracing: boolean): Pick<WorkerOptions, 'workflowBundle'> & { workflowModules?: string[] } {
  if (bundlePath) return { workflowBundle: { codePath: tracing ? tracingBundlePath(bundlePath) : bundlePath } };
  return tracing ? { workflowModules: [TRACING_INTERCEPTORS_MODULE] } : {};
}
