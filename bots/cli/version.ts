// `firebreak --version`: the version in Firebreak's package.json, found from this file upwards so
// the same code answers from the checkout (bots/cli/) and from a build (dist/bots/cli/).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder Firebreak is installed in: the nearest one above this file whose package.json is Firebreak's. */
export function installRoot(from = import.meta.dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (readPackage(dir)?.name === 'firebreak') return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function cliVersion(): string {
  const root = installRoot();
  return (root && readPackage(root)?.version) || 'unknown';
}

function readPackage(dir: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}
