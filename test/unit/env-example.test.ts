import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCompose, loadEnvExample, readRepoFile, referencedVariables, ROOT } from '../helpers/deploy-files.js';

// .env.example lists every setting, so it stays true as settings are added: the names are taken
// from the code that reads them (platform/config, and the few modules that read process.env
// directly), from the variables the example policy names, and from docker-compose.yml.

/** The operating system's and the tests' own variables, read by runtime code but no settings. */
const NOT_SETTINGS = new Set(['PATH', 'HOME', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'NO_COLOR', 'TEST_DATABASE_ADMIN_URL']);
const RUNTIME_FOLDERS = ['activities', 'bots', 'db', 'domain', 'platform', 'web', 'worker', 'workflows'];

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return typescriptFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every variable name the configuration readers and other runtime modules read. */
function namesTheCodeReads(): string[] {
  const names = new Set<string>();
  // platform/config: every name is a string literal handed to a reader (read(env, 'NAME'), fail('NAME', …)).
  for (const file of typescriptFiles(join(ROOT, 'platform/config'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})'/g)) names.add(m[1]!);
  }
  for (const folder of RUNTIME_FOLDERS) {
    for (const file of typescriptFiles(join(ROOT, folder))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)|\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)) names.add((m[1] ?? m[2])!);
    }
  }
  return [...names].filter((name) => !NOT_SETTINGS.has(name)).sort();
}

/** The variables firebreak.config.yaml names for its secrets (…Env: NAME, url: env:NAME), commented examples included. */
function namesThePolicyNames(): string[] {
  const policy = readRepoFile('firebreak.config.yaml');
  return [...new Set([...policy.matchAll(/(?:[a-z]Env:\s*|\benv:)([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!))].sort();
}

const example = loadEnvExample();
const listed = example.entries.map((e) => e.name);
const composeOnly = example.entries.filter((e) => e.section === 'docker-compose.yml only').map((e) => e.name);

describe('.env.example', () => {
  it('lists each name once', () => {
    expect(listed.filter((name, i) => listed.indexOf(name) !== i)).toEqual([]);
    expect(listed.length).toBeGreaterThan(40);
  });

  it('lists every variable the code reads', () => {
    const code = namesTheCodeReads();
    expect(code).toEqual(expect.arrayContaining(['DATABASE_URL', 'TEMPORAL_ADDRESS', 'FIREBREAK_ROLE', 'STATUSPAGE_API_URL', 'NODE_ENV']));
    expect(code.filter((name) => !listed.includes(name))).toEqual([]);
  });

  it('lists every variable the example policy names', () => {
    const policy = namesThePolicyNames();
    expect(policy).toEqual(expect.arrayContaining(['PAGERDUTY_PAYMENTS_ROUTING_KEY', 'ALERTMANAGER_TOKEN', 'PAYMENTS_REPLICA_URL']));
    expect(policy.filter((name) => !listed.includes(name))).toEqual([]);
  });

  it('lists nothing else: each name is read by the code, named by the policy, or used by docker-compose.yml alone', () => {
    const known = new Set([...namesTheCodeReads(), ...namesThePolicyNames(), ...composeOnly]);
    expect(listed.filter((name) => !known.has(name))).toEqual([]);
    const composeVariables = referencedVariables(loadCompose());
    expect(composeOnly.filter((name) => !composeVariables.includes(name))).toEqual([]);
  });

  it('holds no secret: every value is blank or a documented default', () => {
    const filled = Object.fromEntries(example.entries.filter((e) => e.value !== '').map((e) => [e.name, e.value]));
    expect(filled).toEqual({ TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'firebreak', PORT: '3000', LOG_LEVEL: 'info', OTEL_SERVICE_NAME: 'firebreak' });
  });
});
