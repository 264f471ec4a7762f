// Where the CLI finds the policy file when FIREBREAK_CONFIG does not say: like git finds its
// repository, from the current folder upwards (so `firebreak` works from any folder of a checkout),
// then the user's configuration folder, then the folder Firebreak is installed in.

import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { POLICY_FILE_NAME } from '../../platform/config/index.js';
import { installRoot } from './version.js';

export type PolicyLocation = { found: true; path: string } | { found: false; searched: string[] };

export interface PolicySearch {
  /** FIREBREAK_CONFIG, as set: the only place looked at when given. */
  configured?: string;
  cwd: string;
  /** XDG_CONFIG_HOME and HOME, as the environment has them. */
  xdgConfigHome?: string;
  home?: string;
  installDir?: string;
}

/** The places looked at, in order; the search stops at the first folder that holds `.git` or a package.json. */
export function policyCandidates(search: PolicySearch): string[] {
  if (search.configured) return [resolve(search.cwd, search.configured)];
  const candidates: string[] = [];
  for (let dir = resolve(search.cwd); ; dir = dirname(dir)) {
    candidates.push(join(dir, POLICY_FILE_NAME));
    if (isProjectRoot(dir) || dirname(dir) === dir) break;
  }
  const configHome = search.xdgConfigHome || (search.home ? join(search.home, '.config') : undefined);
  if (configHome) candidates.push(join(configHome, 'firebreak', POLICY_FILE_NAME));
  if (search.installDir) candidates.push(join(search.installDir, POLICY_FILE_NAME));
  return [...new Set(candidates)];
}

export function findPolicyFile(search: PolicySearch): PolicyLocation {
  const searched = policyCandidates(search);
  const path = searched.find((candidate) => isFile(candidate));
  return path ? { found: true, path } : { found: false, searched };
}

/** The search as this process sees it: its folder, its environment, its installation. */
export function locatePolicy(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): PolicyLocation {
  return findPolicyFile({ configured, cwd: process.cwd(), xdgConfigHome: env.XDG_CONFIG_HOME, home: env.HOME ?? homedir(), installDir: installRoot() });
}

/** One sentence naming every place looked at and the variable that ends the search. */
export function notFoundMessage(searched: string[]): string {
  const places = searched.length === 1 ? searched[0] : `${searched.slice(0, -1).join(', ')} or ${searched.at(-1)}`;
  return `No policy file at ${places}; set FIREBREAK_CONFIG to its path.`;
}

function isProjectRoot(dir: string): boolean {
  return existsSync(join(dir, '.git')) || existsSync(join(dir, 'package.json'));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
