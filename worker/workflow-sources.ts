// What a prebuilt workflow bundle was built from, so a start can tell a current bundle from a stale
// one: a SHA-256 over every file the bundler reads from this repository (workflows/ and domain/,
// which are all workflow code may import, the failure converter) and package-lock.json (the SDK and
// the libraries bundled with them). A developer who edits a workflow changes the hash.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(import.meta.url);

/** Running as compiled JavaScript from dist/ (`npm run start:prod`, the image), not through tsx. */
export const RUNNING_COMPILED = HERE.endsWith('.js');

/** The checkout (or /app in the image): the folder that holds dist/ and, in a clone, the sources. */
export const PROJECT_ROOT = resolve(dirname(HERE), RUNNING_COMPILED ? '../..' : '..');

/** Where `npm run build` writes the workflow bundle; `npm start` uses it while it is current. */
export function defaultBundlePath(root = PROJECT_ROOT): string {
  return join(root, 'dist', 'workflows.js');
}

const SOURCE_FOLDERS = ['workflows', 'domain'];
const SOURCE_FILES = ['platform/failure-converter.cjs', 'package-lock.json'];
const SOURCE_EXTENSIONS = /\.(ts|cts|mts|js|cjs|mjs|json)$/;

/** `dist/workflows.js` → `dist/workflows.sources.json`: the hash the bundle was built from. */
export function bundleManifestPath(bundlePath: string): string {
  return `${bundlePath.replace(/\.js$/, '')}.sources.json`;
}

/** The hash of the workflow sources under `root`, or undefined where they are absent (the image). */
export async function workflowSourceHash(root = PROJECT_ROOT): Promise<string | undefined> {
  if (!existsSync(join(root, 'workflows', 'index.ts'))) return undefined;
  const files = [...(await Promise.all(SOURCE_FOLDERS.map((folder) => filesUnder(join(root, folder))))).flat(), ...SOURCE_FILES.map((file) => join(root, file))];
  const hash = createHash('sha256');
  for (const file of files.map((f) => relative(root, f)).sort()) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(root, file)).catch(() => Buffer.from('(missing)')));
    hash.update('\0');
  }
  return hash.digest('hex');
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && SOURCE_EXTENSIONS.test(e.name)).map((e) => join(e.parentPath, e.name));
}

/** The hash recorded beside a bundle when it was written, if any. */
export async function recordedSourceHash(bundlePath: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(bundleManifestPath(bundlePath), 'utf8')) as { sourceHash?: unknown };
    return typeof manifest.sourceHash === 'string' ? manifest.sourceHash : undefined;
  } catch {
    return undefined;
  }
}
