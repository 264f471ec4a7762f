import { existsSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  interpolate,
  interpolateAll,
  loadCompose,
  loadEnvExample,
  MissingVariableError,
  readRepoFile,
  referencedVariables,
  ROOT,
  SHARED_KEYS,
  versions,
  type ComposeService,
} from '../helpers/deploy-files.js';
import { TEMPORAL_SERVER_VERSION } from '../helpers/temporal-server-tools.js';

// docker-compose.yml against the Compose Specification's JSON schema (deploy/schemas, the one Docker
// Compose validates with), then the promises this repo makes about it.

const compose = loadCompose();
const services = compose.services;
const firebreakServices = Object.entries(services).filter(([, s]) => s.build === '.');

/** Values for every variable .env.example lists, as a filled-in .env would give them. */
const filledEnv = Object.fromEntries(loadEnvExample().entries.map(({ name }) => [name, `value-of-${name.toLowerCase()}`]));

// strict: false because the schema is written for Compose's own validator, not ajv's strict mode.
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readRepoFile('deploy/schemas/compose-spec.json')) as object);

function schemaErrors(document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

describe('docker-compose.yml against the Compose Specification', () => {
  it('is valid as written and after interpolation with every setting filled in', () => {
    expect(schemaErrors(compose)).toEqual([]);
    expect(schemaErrors(interpolateAll(compose, filledEnv))).toEqual([]);
  });

  it('is checked for real: an unknown key or a wrongly typed value is rejected', () => {
    const unknownKey = structuredClone(compose);
    (unknownKey.services.postgres as Record<string, unknown>).restart_policy = 'always';
    expect(schemaErrors(unknownKey).join('\n')).toMatch(/unevaluated properties.*restart_policy/);
    const wrongType = structuredClone(compose);
    (wrongType.services.temporal as Record<string, unknown>).depends_on = 'postgres';
    expect(schemaErrors(wrongType)).not.toEqual([]);
  });
});

describe('docker-compose.yml images', () => {
  it('pins every image to an exact version, none to latest', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build === '.') {
        expect(service.image, name).toBe('firebreak:local');
        continue;
      }
      expect(service.image, name).toMatch(/^[a-z0-9./-]+:\d+\.\d+(\.\d+)?(-[a-z0-9.-]+)?$/);
    }
  });

  it('runs the Temporal server and admin tools at the version the cluster tests build (deploy/versions.json)', () => {
    expect(versions.temporalAdminTools.startsWith(`${versions.temporalServer}-`)).toBe(true);
    expect(services.temporal!.image).toBe(`temporalio/server:${versions.temporalServer}`);
    for (const job of ['temporal-schema', 'temporal-namespace']) {
      expect(services[job]!.image, job).toBe(`temporalio/admin-tools:${versions.temporalAdminTools}`);
    }
    expect(TEMPORAL_SERVER_VERSION).toBe(versions.temporalServer);
  });
});

describe('docker-compose.yml services', () => {
  it('runs the schema and namespace set-up as one-shot jobs the next step waits for', () => {
    for (const job of ['temporal-schema', 'temporal-namespace']) {
      expect(services[job]!.restart, job).toBe('no');
      expect(services[job]!.healthcheck, job).toBeUndefined();
    }
    expect(services['temporal-schema']!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.temporal!.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(services['temporal-namespace']!.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    for (const [name, service] of firebreakServices) {
      expect(service.depends_on, name).toEqual({
        postgres: { condition: 'service_healthy' },
        temporal: { condition: 'service_healthy' },
        'temporal-namespace': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('mounts each job script read-only from deploy/, and the scripts do what the jobs are for', () => {
    const scriptOf = (service: ComposeService) => {
      const [mount] = service.volumes ?? [];
      const [source, target, mode] = mount!.split(':');
      expect(mode).toBe('ro');
      expect(service.entrypoint).toEqual(['/bin/sh', target]);
      return readRepoFile(source!.replace(/^\.\//, ''));
    };
    const schema = scriptOf(services['temporal-schema']!);
    for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema -d']) expect(schema).toContain(step);
    expect(schema).toContain('migrate "${TEMPORAL_DATABASE:-temporal}" temporal');
    expect(schema).toContain('migrate "${TEMPORAL_VISIBILITY_DATABASE:-temporal_visibility}" visibility');
    const namespace = scriptOf(services['temporal-namespace']!);
    expect(namespace).toContain('operator namespace create');
    for (const attribute of ['FirebreakIncident:Keyword', 'FirebreakSeverity:Keyword', 'FirebreakPhase:Keyword', 'FirebreakServices:KeywordList']) {
      expect(namespace).toContain(attribute);
    }
  });

  it('points the server and the schema job at the same Postgres, user, password and databases', () => {
    const server = services.temporal!.environment!;
    const job = services['temporal-schema']!.environment!;
    expect(server).toMatchObject({ DB: 'postgres12', DB_PORT: '5432', POSTGRES_SEEDS: 'postgres', DBNAME: 'temporal', VISIBILITY_DBNAME: 'temporal_visibility' });
    expect(job).toMatchObject({ SQL_PLUGIN: server.DB, SQL_HOST: server.POSTGRES_SEEDS, SQL_PORT: server.DB_PORT, SQL_USER: server.POSTGRES_USER });
    expect(job.SQL_PASSWORD).toBe(server.POSTGRES_PWD);
    expect(services.postgres!.environment!.POSTGRES_PASSWORD).toBe(server.POSTGRES_PWD);
    expect(services.postgres!.environment!.POSTGRES_USER).toBe(server.POSTGRES_USER);
  });

  it('publishes only Firebreak, the Temporal UI and, under its profile, Unleash on the host', () => {
    const published = Object.fromEntries(Object.entries(services).filter(([, s]) => s.ports).map(([name, s]) => [name, s.ports]));
    expect(published).toEqual({ 'firebreak-http': ['3000:3000'], 'temporal-ui': ['8233:8080'], unleash: ['4242:4242'] });
    const profiled = Object.entries(services).filter(([, s]) => s.profiles).map(([name, s]) => [name, s.profiles]);
    expect(profiled).toEqual([
      ['unleash-db', ['flags']],
      ['unleash', ['flags']],
    ]);
  });

  it('gives every long-running service a health check; Firebreak checks /readyz', () => {
    for (const name of ['postgres', 'temporal', 'firebreak-worker', 'firebreak-http', 'unleash', 'unleash-db']) {
      expect(services[name]!.healthcheck?.test.length, name).toBeGreaterThan(0);
    }
    for (const [name, service] of firebreakServices) expect(service.healthcheck!.test.join(' '), name).toContain('/readyz');
  });
});

describe('docker-compose.yml Firebreak services', () => {
  it('runs a worker and an HTTP server from one image, wired to the compose Temporal and Postgres', () => {
    expect(firebreakServices.map(([name]) => name)).toEqual(['firebreak-worker', 'firebreak-http']);
    expect(services['firebreak-worker']!.environment).toMatchObject({ FIREBREAK_ROLE: 'worker', TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_METRICS_BIND: '0.0.0.0:9464' });
    expect(services['firebreak-http']!.environment).toMatchObject({ FIREBREAK_ROLE: 'http', TEMPORAL_ADDRESS: 'temporal:7233' });
    for (const [name, service] of firebreakServices) {
      const env = interpolateAll(service.environment!, filledEnv);
      expect(env.DATABASE_URL, name).toBe(`postgres://firebreak:${filledEnv.POSTGRES_PASSWORD}@postgres:5432/firebreak`);
      expect(env.TEMPORAL_NAMESPACE, name).toBe(interpolate(services['temporal-namespace']!.environment!.TEMPORAL_NAMESPACE!, filledEnv));
    }
  });

  it('passes every setting through: each Firebreak service reads .env whole', () => {
    for (const [name, service] of firebreakServices) expect(service.env_file, name).toBe('.env');
  });

  it('requires the shared keys for every Firebreak process and names the missing one', () => {
    for (const [name, service] of firebreakServices) {
      for (const key of SHARED_KEYS) expect(service.environment![key], `${name} ${key}`).toMatch(new RegExp(`^\\$\\{${key}:\\?.+\\}$`));
    }
    for (const key of [...SHARED_KEYS, 'POSTGRES_PASSWORD']) {
      const env = { ...filledEnv, [key]: '' };
      expect(() => interpolateAll(compose, env), key).toThrow(MissingVariableError);
      expect(() => interpolateAll(compose, env), key).toThrow(new RegExp(`^${key}: set ${key} in \\.env`));
    }
  });

  it('mounts the policy file read-only where FIREBREAK_CONFIG points, from a file that exists', () => {
    for (const [name, service] of firebreakServices) {
      const mounts = (service.volumes ?? []).map((v) => interpolate(v, {}).split(':'));
      const policy = mounts.find(([, target]) => target === service.environment!.FIREBREAK_CONFIG);
      expect(policy, name).toEqual(['./firebreak.config.yaml', '/etc/firebreak/firebreak.config.yaml', 'ro']);
      expect(existsSync(`${ROOT}firebreak.config.yaml`)).toBe(true);
      // Nothing but /tmp is writable, as in the Kubernetes manifests.
      expect(service.read_only, name).toBe(true);
      expect(service.tmpfs, name).toEqual(['/tmp']);
    }
  });

  it('lists every variable it interpolates in .env.example', () => {
    const listed = new Set(loadEnvExample().entries.map((e) => e.name));
    expect(referencedVariables(compose).filter((name) => !listed.has(name))).toEqual([]);
  });
});
