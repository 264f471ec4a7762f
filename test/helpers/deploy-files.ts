import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

// Readers for the deployment files (docker-compose.yml, .env.example, deploy/**) shared by the tests
// that check them. No Docker engine or cluster runs where the tests do, so the files are read.

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const readRepoFile = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

export interface ComposeService {
  image?: string;
  build?: string;
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  env_file?: string;
  volumes?: string[];
  entrypoint?: string[];
  ports?: string[];
  expose?: string[];
  restart?: string;
  read_only?: boolean;
  tmpfs?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [extension: string]: unknown;
}

/** docker-compose.yml as Compose reads it before interpolation: YAML merge keys (`<<:`) applied. */
export function loadCompose(): ComposeFile {
  return parse(readRepoFile('docker-compose.yml'), { merge: true }) as ComposeFile;
}

export class MissingVariableError extends Error {}

/**
 * Compose's interpolation of one string: `$$` is a literal `$`; `${NAME}`, `${NAME:-default}` and
 * `${NAME-default}` substitute; `${NAME:?message}` and `${NAME?message}` fail with the message when
 * the variable is unset (or, with the colon, empty).
 */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    if (bare) return env[bare] ?? '';
    const value = env[name!];
    const missing = colon ? !value : value === undefined;
    if (op === '-') return missing ? arg! : value!;
    if (op === '?') {
      if (missing) throw new MissingVariableError(`${name}: ${arg}`);
      return value!;
    }
    return value ?? '';
  });
}

/** Every string in a parsed document, interpolated; keys are left as they are (Compose does too). */
export function interpolateAll<T>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') return interpolate(value, env) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => interpolateAll(item, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateAll(item, env)])) as T;
  }
  return value;
}

/** The names of the variables a parsed document interpolates, e.g. `POSTGRES_PASSWORD`. */
export function referencedVariables(value: unknown): string[] {
  const names = new Set<string>();
  const visit = (item: unknown) => {
    if (typeof item === 'string') for (const m of item.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
    else if (Array.isArray(item)) item.forEach(visit);
    else if (item && typeof item === 'object') Object.values(item).forEach(visit);
  };
  visit(value);
  return [...names].sort();
}

export interface EnvExample {
  /** Every NAME=value line, in file order. */
  entries: { name: string; value: string; section: string }[];
}

/** .env.example: its NAME=value lines, each with the `# --- Section` heading above it. */
export function loadEnvExample(): EnvExample {
  let section = '';
  const entries: EnvExample['entries'] = [];
  for (const line of readRepoFile('.env.example').split('\n')) {
    const heading = /^# --- (.+?) -+$/.exec(line);
    if (heading) section = heading[1]!;
    const entry = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (entry) entries.push({ name: entry[1]!, value: entry[2]!, section });
  }
  return { entries };
}

/** Every document of a multi-document YAML file. */
export function loadYamlDocuments(path: string): Record<string, unknown>[] {
  return parseAllDocuments(readRepoFile(path)).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
    return doc.toJS() as Record<string, unknown>;
  });
}

export const versions = JSON.parse(readRepoFile('deploy/versions.json')) as { temporalServer: string; temporalAdminTools: string };

/** The keys every Firebreak process must share: each process signs, redacts and encrypts with them. */
export const SHARED_KEYS = ['FIREBREAK_ACCESS_TOKEN_KEY', 'FIREBREAK_REDACTION_KEY', 'FIREBREAK_ENCRYPTION_KEYS', 'FIREBREAK_CODEC_TOKEN'] as const;
