import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// bots/github/app-manifest.json asks for exactly the permissions the code's GitHub calls need and
// the events its webhook handlers take: a call or handler added without its permission fails here.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'bots/github/app-manifest.json'), 'utf8')) as {
  hook_attributes: { url: string; active: boolean };
  default_permissions: Record<string, 'read' | 'write'>;
  default_events: string[];
  public: boolean;
};

// The permission each call needs (docs.github.com, "Permissions required for GitHub Apps").
// Releases, commits and file contents are all `contents`; app-level hook deliveries need none (the
// app's own JWT); `users.getAuthenticated` is the token path, not the app's.
const CALL_PERMISSIONS: Record<string, [string, 'read' | 'write'] | null> = {
  'apps.getAuthenticated': null,
  'apps.getRepoInstallation': null,
  'users.getAuthenticated': null,
  'issues.create': ['issues', 'write'],
  'issues.createComment': ['issues', 'write'],
  'issues.get': ['issues', 'read'],
  'issues.listComments': ['issues', 'read'],
  'issues.update': ['issues', 'write'],
  'pulls.list': ['pull_requests', 'read'],
  'repos.createOrUpdateFileContents': ['contents', 'write'],
  'repos.getCommit': ['contents', 'read'],
  'repos.getContent': ['contents', 'read'],
  'repos.listDeployments': ['deployments', 'read'],
  'repos.listReleases': ['contents', 'read'],
  'repos.listWebhooks': ['repository_hooks', 'read'],
  'teams.addOrUpdateMembershipForUserInOrg': ['members', 'write'],
  'teams.removeMembershipForUserInOrg': ['members', 'write'],
  'GET /app/hook/deliveries': null,
  'POST /app/hook/deliveries/{delivery_id}/attempts': null,
  'GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries': ['repository_hooks', 'read'],
  'POST /repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts': ['repository_hooks', 'write'],
};

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return typescriptFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const sources = ['activities', 'bots', 'worker'].flatMap((folder) => typescriptFiles(join(ROOT, folder))).map((file) => readFileSync(file, 'utf8'));

/** `octokit.rest.issues.create(…)` and `request('POST /repos/…')` / route strings, as written in the code. */
function callsTheCodeMakes(): string[] {
  const calls = new Set<string>();
  for (const text of sources) {
    for (const m of text.matchAll(/\brest\.(\w+\.\w+)\(/g)) calls.add(m[1]!);
    for (const m of text.matchAll(/'((?:GET|POST|PATCH|PUT|DELETE) \/(?:app|repos|orgs)\/[^']+)'/g)) calls.add(m[1]!);
  }
  return [...calls].sort();
}

function eventsTheCodeHandles(): string[] {
  const events = new Set<string>();
  for (const text of sources) {
    for (const m of text.matchAll(/webhooks\.on\(\s*(\[[^\]]*\]|'[^']+')/g)) {
      for (const name of m[1]!.matchAll(/'([a-z_]+)(?:\.[a-z_]+)?'/g)) events.add(name[1]!);
    }
  }
  // GitHub sends `ping` to every hook whatever it subscribes to.
  events.delete('ping');
  return [...events].sort();
}

describe('the GitHub App manifest', () => {
  it('knows the permission of every GitHub call the code makes', () => {
    const calls = callsTheCodeMakes();
    expect(calls).toEqual(expect.arrayContaining(['issues.create', 'repos.listDeployments', 'teams.addOrUpdateMembershipForUserInOrg']));
    // A call missing here is new: add the permission it needs here and to the manifest.
    expect(calls.filter((call) => !(call in CALL_PERMISSIONS))).toEqual([]);
  });

  it('asks for exactly those permissions, at the level the calls need', () => {
    const needed: Record<string, 'read' | 'write'> = { metadata: 'read' };
    for (const call of callsTheCodeMakes()) {
      const permission = CALL_PERMISSIONS[call];
      if (!permission) continue;
      const [name, level] = permission;
      if (needed[name] !== 'write') needed[name] = level;
    }
    expect(manifest.default_permissions).toEqual(needed);
  });

  it('subscribes to exactly the events the webhook handles, at the webhook route', () => {
    expect(manifest.default_events.sort()).toEqual(eventsTheCodeHandles());
    expect(manifest.default_events).toEqual(expect.arrayContaining(['issues', 'issue_comment']));
    expect(new URL(manifest.hook_attributes.url).pathname).toBe('/github/webhooks');
    expect(manifest.hook_attributes.active).toBe(true);
    expect(manifest.public).toBe(false);
  });
});
