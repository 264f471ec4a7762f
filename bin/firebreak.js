#!/usr/bin/env node
// `firebreak`: the compiled CLI from dist/ (`npm run build`) when it is there and not older than
// the sources beside it; otherwise the TypeScript CLI through tsx, so a clone works without a build
// (`npm link`) and never runs code older than what the developer just changed.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Node 22+: compiled bytecode is cached on disk, so every call after the first starts faster.
module.enableCompileCache?.();

const root = join(import.meta.dirname, '..');
const compiled = join(root, 'dist', 'bots', 'cli', 'main.js');
const SOURCE_FOLDERS = ['domain', 'platform', 'db', 'activities', 'bots', 'web', 'worker', 'workflows'];

function builtAt() {
  try {
    return JSON.parse(readFileSync(join(root, 'dist', 'build-info.json'), 'utf8')).startedAt;
  } catch {
    return undefined;
  }
}

/** True when some source file in a checkout changed after the build started (an image has no sources). */
function sourcesNewerThan(time) {
  for (const folder of SOURCE_FOLDERS) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > time) return true;
    }
  }
  return false;
}

const time = existsSync(compiled) ? builtAt() : undefined;
if (typeof time === 'number' && !sourcesNewerThan(time)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../bots/cli/main.ts');
}
