import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_DATABASE_URL, enabledIntegrations, loadCliConfig, parseEnv, parseLogLevel, secretValues, WORKER_TUNING_DEFAULTS } from '../../platform/config/index.js';
import { explainDatabaseFailure } from '../../db/connection-problem.js';
import { createRedactor } from '../../domain/redact.js';
import { createLogger } from '../../platform/logger.js';
import { configureRedactionTokens } from '../../platform/redaction-key.js';

const DATABASE_URL = 'postgres://firebreak:s3cret%21@127.0.0.1:5432/firebreak';
const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const REDACTION_KEY = Buffer.alloc(16, 3).toString('base64');
const PEM = '-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----';

function errorOf(env: Record<string, string | undefined>): string {
  try {
    parseEnv({ DATABASE_URL, ...env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).name).toBe('ConfigError');
    return (err as Error).message;
  }
  throw new Error('expected parseEnv to throw');
}

const everything = {
  DATABASE_URL,
  TEMPORAL_ADDRESS: 'acme.tmprl.cloud:7233',
  TEMPORAL_NAMESPACE: 'acme.prod',
  TEMPORAL_API_KEY: 'temporal-key-123',
  PUBLIC_URL: 'https://firebreak.acme.dev/',
  SLACK_BOT_TOKEN: 'xoxb-1-bot',
  SLACK_SIGNING_SECRET: 'signing-secret-1',
  GITHUB_TOKEN: 'ghp_token123',
  GITHUB_WEBHOOK_SECRET: 'hook-secret-1',
  UNLEASH_URL: 'http://127.0.0.1:4242',
  UNLEASH_ADMIN_TOKEN: '*:*.unleash-admin',
  LAUNCHDARKLY_API_TOKEN: 'api-ld-token',
  SANDBOX_ADMIN_URL: 'postgresql://admin:sandbox-pw@10.0.0.5:5432/postgres',
  FIREBREAK_SANDBOX_SECRET: 'sandbox-mask-secret-0123',
  FIREBREAK_ENCRYPTION_KEYS: `k2:${KEY_B},k1:${KEY_A}`,
  FIREBREAK_CODEC_TOKEN: 'codec-token-0123456789',
  DASHBOARD_TOKEN: 'dashboard-token-0123456789',
};

describe('parseEnv', () => {
  it('fills defaults when only DATABASE_URL is set', () => {
    expect(parseEnv({ DATABASE_URL })).toEqual({
      databaseUrl: DATABASE_URL,
      port: 3000,
      publicUrl: undefined,
      policyPath: 'firebreak.config.yaml',
      dataDir: '.data',
      logLevel: 'info',
      temporal: { address: undefined, namespace: 'default', taskQueue: 'firebreak', apiKey: undefined, tls: false, devServer: { port: 7233, uiPort: 8233 } },
      slack: undefined,
      github: undefined,
      pagerDuty: { eventsUrl: 'https://events.pagerduty.com', routingKey: expect.any(Function) },
      unleash: undefined,
      launchDarkly: undefined,
      sandboxAdminUrl: undefined,
      encryptionKeys: [],
      temporalUiOrigins: ['http://localhost:8233'],
      dashboardToken: undefined,
      role: 'all',
      telemetry: { temporalMetricsBind: undefined, otlpEndpoint: undefined, serviceName: 'firebreak' },
      tuning: WORKER_TUNING_DEFAULTS,
    });
  });

  it('reads every variable, treating blank as unset', () => {
    const config = parseEnv({ ...everything, PORT: ' 8080 ', LOG_LEVEL: 'DEBUG', TEMPORAL_TASK_QUEUE: '', FIREBREAK_DATA_DIR: '/var/lib/firebreak' });
    expect(config.port).toBe(8080);
    expect(config.logLevel).toBe('debug');
    expect(config.publicUrl).toBe('https://firebreak.acme.dev');
    expect(config.dataDir).toBe('/var/lib/firebreak');
    expect(config.temporal).toEqual({ address: 'acme.tmprl.cloud:7233', namespace: 'acme.prod', taskQueue: 'firebreak', apiKey: 'temporal-key-123', tls: true, devServer: { port: 7233, uiPort: 8233 } });
    expect(config.slack).toEqual({ mode: 'http', botToken: 'xoxb-1-bot', signingSecret: 'signing-secret-1', appToken: undefined, apiUrl: 'https://slack.com/api/' });
    expect(config.github).toEqual({ auth: { kind: 'token', token: 'ghp_token123' }, webhookSecret: 'hook-secret-1', apiUrl: 'https://api.github.com' });
    expect(config.launchDarkly).toEqual({ apiToken: 'api-ld-token', apiUrl: 'https://app.launchdarkly.com' });
    expect(config.encryptionKeys.map((k) => [k.id, k.key.length, k.key[0]])).toEqual([
      ['k2', 32, 2],
      ['k1', 32, 1],
    ]);
  });

  it('reads the codec token and several Temporal UI origins', () => {
    const config = parseEnv({ ...everything, TEMPORAL_UI_ORIGIN: 'https://temporal.acme.dev/, http://127.0.0.1:8233' });
    expect(config.codecToken).toBe('codec-token-0123456789');
    expect(config.temporalUiOrigins).toEqual(['https://temporal.acme.dev', 'http://127.0.0.1:8233']);
  });

  it('reads Socket Mode and a GitHub App with an escaped private key', () => {
    const config = parseEnv({ DATABASE_URL, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', GITHUB_APP_ID: '12345', GITHUB_APP_PRIVATE_KEY: PEM });
    expect(config.slack?.mode).toBe('socket');
    expect(config.github?.auth).toEqual({ kind: 'app', appId: '12345', privateKey: PEM.replace(/\\n/g, '\n') });
  });

  it('reads the log format and the embedded dev server ports, which the CLI follows', () => {
    const config = parseEnv({ DATABASE_URL, FIREBREAK_LOG_FORMAT: 'Pretty', TEMPORAL_DEV_PORT: '17233', TEMPORAL_DEV_UI_PORT: '18233' });
    expect(config.logFormat).toBe('pretty');
    expect(config.temporal.devServer).toEqual({ port: 17233, uiPort: 18233 });
    expect(parseEnv({ DATABASE_URL, FIREBREAK_LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(parseEnv({ DATABASE_URL }).logFormat).toBeUndefined();
    expect(loadCliConfig({ TEMPORAL_DEV_PORT: '17233' }).temporal.address).toBe('127.0.0.1:17233');
    expect(loadCliConfig({ TEMPORAL_DEV_PORT: '17233', TEMPORAL_ADDRESS: 'temporal:7233' }).temporal.address).toBe('temporal:7233');
  });

  it('gives the CLI the same database default as npm start, except in production', () => {
    expect(loadCliConfig({})).toMatchObject({ databaseUrl: DEVELOPMENT_DATABASE_URL, databaseUrlDefaulted: true });
    expect(loadCliConfig({ DATABASE_URL })).toMatchObject({ databaseUrl: DATABASE_URL, databaseUrlDefaulted: false });
    expect(loadCliConfig({ NODE_ENV: 'production' })).toMatchObject({ databaseUrl: undefined, databaseUrlDefaulted: false });
    expect(loadCliConfig({}).policyPath).toBeUndefined();
    expect(loadCliConfig({ FIREBREAK_CONFIG: 'ops/policy.yaml' }).policyPath).toBe('ops/policy.yaml');
  });

  it('lets TEMPORAL_TLS override the default', () => {
    expect(parseEnv({ DATABASE_URL, TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_TLS: 'true' }).temporal.tls).toBe(true);
    expect(parseEnv({ DATABASE_URL, TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).temporal.tls).toBe(false);
    expect(parseEnv({ DATABASE_URL, TEMPORAL_ADDRESS: '[::1]:7233' }).temporal.address).toBe('[::1]:7233');
  });
});

describe('parseEnv: one line naming the bad variable', () => {
  const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'sig' };
  const cases: Array<[string, Record<string, string | undefined>, string]> = [
    ['missing DATABASE_URL', { DATABASE_URL: undefined }, 'DATABASE_URL: missing; set it to a PostgreSQL URL like postgres://firebreak:secret@127.0.0.1:5432/firebreak'],
    ['non-Postgres DATABASE_URL', { DATABASE_URL: 'mysql://root:hunter2@db/x' }, 'DATABASE_URL: expected a postgres:// or postgresql:// URL, got "mysql://…"'],
    ['DATABASE_URL not a URL', { DATABASE_URL: 'localhost:5432' }, 'DATABASE_URL: expected a postgres:// or postgresql:// URL, got something that is not a URL'],
    ['PORT with letters', { PORT: '80a' }, 'PORT: expected a TCP port 1-65535, got "80a"'],
    ['FIREBREAK_REDACTION_KEY too short', { FIREBREAK_REDACTION_KEY: Buffer.alloc(8, 1).toString('base64') }, 'FIREBREAK_REDACTION_KEY: expected 16 or more bytes in base64 (generate one with: openssl rand -base64 32)'],
    ['FIREBREAK_REDACTION_KEY not base64', { FIREBREAK_REDACTION_KEY: 'not base64!' }, 'FIREBREAK_REDACTION_KEY: expected 16 or more bytes in base64 (generate one with: openssl rand -base64 32)'],
    ['PORT out of range', { PORT: '70000' }, 'PORT: expected a TCP port 1-65535, got "70000"'],
    ['PORT zero', { PORT: '0' }, 'PORT: expected a TCP port 1-65535, got "0"'],
    ['TEMPORAL_ADDRESS without port', { TEMPORAL_ADDRESS: 'temporal.internal' }, 'TEMPORAL_ADDRESS: expected host:port like "temporal.internal:7233", got "temporal.internal"'],
    ['TEMPORAL_TLS not a boolean', { TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS: 'yes' }, 'TEMPORAL_TLS: expected one of true, false, got "yes"'],
    ['TEMPORAL_API_KEY without address', { TEMPORAL_API_KEY: 'k' }, 'TEMPORAL_API_KEY: set, but TEMPORAL_ADDRESS is not; the embedded dev server takes neither'],
    ['LOG_LEVEL unknown', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
    ['FIREBREAK_LOG_FORMAT unknown', { FIREBREAK_LOG_FORMAT: 'colour' }, 'FIREBREAK_LOG_FORMAT: expected one of pretty, json, got "colour"'],
    ['TEMPORAL_DEV_PORT not a port', { TEMPORAL_DEV_PORT: '72333' }, 'TEMPORAL_DEV_PORT: expected a TCP port 1-65535, got "72333"'],
    ['TEMPORAL_DEV_UI_PORT the same', { TEMPORAL_DEV_PORT: '7300', TEMPORAL_DEV_UI_PORT: '7300' }, 'TEMPORAL_DEV_UI_PORT: the same port as TEMPORAL_DEV_PORT (7300); pick another'],
    ['PUBLIC_URL not http', { PUBLIC_URL: 'ftp://acme.dev' }, 'PUBLIC_URL: expected a https:// or http:// URL, got "ftp://…"'],
    ['SLACK_API_URL alone', { SLACK_API_URL: 'http://127.0.0.1:9000/api/' }, 'SLACK_BOT_TOKEN: missing; Slack needs it because SLACK_API_URL is set'],
    ['Slack bot token swapped', { SLACK_BOT_TOKEN: 'xapp-1-A0', SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN: expected a Slack bot token starting with "xoxb-", got one starting with "xapp-"'],
    ['Slack HTTP without signing secret', { SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET: missing; Slack over HTTP needs it to verify requests (or set SLACK_APP_TOKEN for Socket Mode)'],
    ['Slack app token wrong', { ...slack, SLACK_APP_TOKEN: 'xoxb-2' }, 'SLACK_APP_TOKEN: expected a Slack app-level token starting with "xapp-", got one starting with "xoxb-"'],
    ['GitHub App ID without key', { GITHUB_APP_ID: '12345' }, 'GITHUB_APP_PRIVATE_KEY: missing; GITHUB_APP_ID is set and needs the App private key next to it'],
    ['GitHub App key without ID', { GITHUB_APP_PRIVATE_KEY: PEM }, 'GITHUB_APP_ID: missing; GITHUB_APP_PRIVATE_KEY is set and needs the App ID next to it'],
    ['GitHub token and App', { GITHUB_TOKEN: 't', GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: PEM }, 'GITHUB_TOKEN: set together with GITHUB_APP_ID; use either a token or a GitHub App, not both'],
    ['GitHub App ID not numeric', { GITHUB_APP_ID: 'firebreak', GITHUB_APP_PRIVATE_KEY: PEM }, 'GITHUB_APP_ID: expected the numeric App ID, got "firebreak"'],
    ['GitHub App key not PEM', { GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: 'abc' }, 'GITHUB_APP_PRIVATE_KEY: expected a PEM private key ("-----BEGIN RSA PRIVATE KEY-----…"), as downloaded from the App settings'],
    ['GitHub webhook secret without auth', { GITHUB_WEBHOOK_SECRET: 'w' }, 'GITHUB_TOKEN: missing; GITHUB_WEBHOOK_SECRET is set, so set GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY'],
    ['GITHUB_API_URL malformed', { GITHUB_TOKEN: 't', GITHUB_API_URL: 'api.github.local' }, 'GITHUB_API_URL: expected a https:// or http:// URL, got something that is not a URL'],
    ['Unleash URL without token', { UNLEASH_URL: 'http://127.0.0.1:4242' }, 'UNLEASH_ADMIN_TOKEN: missing; UNLEASH_URL is set and needs an admin API token'],
    ['Unleash token without URL', { UNLEASH_ADMIN_TOKEN: 'x' }, 'UNLEASH_URL: missing; UNLEASH_ADMIN_TOKEN is set and needs the Unleash server URL'],
    ['LaunchDarkly URL without token', { LAUNCHDARKLY_API_URL: 'http://127.0.0.1:9100' }, 'LAUNCHDARKLY_API_TOKEN: missing; LAUNCHDARKLY_API_URL is set and needs an API access token'],
    ['PROMETHEUS_URL malformed', { PROMETHEUS_URL: 'prometheus:9090' }, 'PROMETHEUS_URL: expected a https:// or http:// URL, got something that is not a URL'],
    ['SANDBOX_ADMIN_URL not Postgres', { SANDBOX_ADMIN_URL: 'http://x' }, 'SANDBOX_ADMIN_URL: expected a postgres:// or postgresql:// URL, got "http://…"'],
    ['sandboxes without a mask secret', { SANDBOX_ADMIN_URL: 'postgres://a@127.0.0.1/postgres' }, 'FIREBREAK_SANDBOX_SECRET: missing; SANDBOX_ADMIN_URL needs it to key the masks, e.g. openssl rand -hex 32'],
    ['mask secret too short', { FIREBREAK_SANDBOX_SECRET: 'short' }, 'FIREBREAK_SANDBOX_SECRET: too short (5 characters); use 16 or more, e.g. openssl rand -hex 32'],
    ['encryption key without ID', { FIREBREAK_ENCRYPTION_KEYS: KEY_A }, 'FIREBREAK_ENCRYPTION_KEYS: expected keyId:base64key[,keyId:base64key…]; entry 1 has no valid key ID before ":"'],
    ['encryption key too short', { FIREBREAK_ENCRYPTION_KEYS: `k1:${KEY_A},k2:c2hvcnQ=` }, 'FIREBREAK_ENCRYPTION_KEYS: key "k2" must be 32 bytes in base64 (generate one with: openssl rand -base64 32)'],
    ['encryption key not base64', { FIREBREAK_ENCRYPTION_KEYS: 'k1:not base64!' }, 'FIREBREAK_ENCRYPTION_KEYS: key "k1" must be 32 bytes in base64 (generate one with: openssl rand -base64 32)'],
    ['encryption key ID twice', { FIREBREAK_ENCRYPTION_KEYS: `k1:${KEY_A},k1:${KEY_B}` }, 'FIREBREAK_ENCRYPTION_KEYS: key ID "k1" appears twice; each key needs its own ID'],
    ['codec token too short', { FIREBREAK_ENCRYPTION_KEYS: `k1:${KEY_A}`, FIREBREAK_CODEC_TOKEN: 'letmein' }, 'FIREBREAK_CODEC_TOKEN: too short (7 characters); use 16 or more, e.g. openssl rand -hex 32'],
    ['codec token without keys', { FIREBREAK_CODEC_TOKEN: 'codec-token-0123456789' }, 'FIREBREAK_CODEC_TOKEN: set, but FIREBREAK_ENCRYPTION_KEYS is not; the codec endpoint has nothing to decode with'],
    ['Temporal UI origin with a path', { TEMPORAL_UI_ORIGIN: 'https://temporal.acme.dev/ui' }, 'TEMPORAL_UI_ORIGIN: expected origins like "https://temporal.acme.dev" (scheme, host, port; no path), got "https://temporal.acme.dev/ui"'],
    ['Temporal UI origin not a URL', { TEMPORAL_UI_ORIGIN: 'localhost:8233' }, 'TEMPORAL_UI_ORIGIN: expected origins like "https://temporal.acme.dev" (scheme, host, port; no path), got "localhost:8233"'],
    ['DASHBOARD_TOKEN too short', { DASHBOARD_TOKEN: 'letmein' }, 'DASHBOARD_TOKEN: too short (7 characters); use 16 or more, e.g. openssl rand -hex 16'],
  ];

  it.each(cases)('%s', (_name, env, message) => {
    const error = errorOf(env);
    expect(error).toBe(message);
    expect(error).not.toContain('\n');
  });

  it('never repeats a secret in the error', () => {
    expect(errorOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' })).not.toContain('hunter2');
    expect(errorOf({ SLACK_BOT_TOKEN: 'xapp-1-very-secret', SLACK_SIGNING_SECRET: 's' })).not.toContain('very-secret');
    expect(errorOf({ FIREBREAK_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' })).not.toContain('c2hvcnQ');
  });
});

describe('enabledIntegrations', () => {
  it('is empty with only a database', () => {
    expect(enabledIntegrations(parseEnv({ DATABASE_URL }))).toEqual([]);
  });

  it('names each integration that is on, and how', () => {
    expect(enabledIntegrations(parseEnv(everything))).toEqual([
      'slack (http)',
      'github (token)',
      'github webhooks',
      'unleash',
      'launchdarkly',
      'sandboxes',
      'payload encryption',
      'codec endpoint',
      'dashboard token',
    ]);
    const app = parseEnv({ DATABASE_URL, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', GITHUB_APP_ID: '7', GITHUB_APP_PRIVATE_KEY: PEM });
    expect(enabledIntegrations(app)).toEqual(['slack (socket)', 'github (app)']);
  });
});

describe('secretValues', () => {
  it('lists every secret once, with URL passwords raw and decoded', () => {
    const secrets = secretValues(parseEnv({ ...everything, SLACK_APP_TOKEN: 'xapp-1-app', FIREBREAK_REDACTION_KEY: REDACTION_KEY }));
    expect(secrets.sort()).toEqual(
      [
        's3cret%21',
        's3cret!',
        'sandbox-pw',
        'sandbox-mask-secret-0123',
        'temporal-key-123',
        'xoxb-1-bot',
        'signing-secret-1',
        'xapp-1-app',
        'ghp_token123',
        'hook-secret-1',
        '*:*.unleash-admin',
        'api-ld-token',
        KEY_B,
        KEY_A,
        'codec-token-0123456789',
        'dashboard-token-0123456789',
        REDACTION_KEY,
      ].sort(),
    );
  });

  it('includes a GitHub App private key and nothing that is not secret', () => {
    const secrets = secretValues(parseEnv({ DATABASE_URL: 'postgres://firebreak@localhost/firebreak', GITHUB_APP_ID: '7', GITHUB_APP_PRIVATE_KEY: PEM }));
    expect(secrets).toEqual([PEM.replace(/\\n/g, '\n')]);
  });
});

describe('redaction token key', () => {
  const text = 'mail jane@example.com';
  const tokenWith = (env: Record<string, string>) => {
    const config = parseEnv({ DATABASE_URL, ...env });
    const source = configureRedactionTokens(config);
    return { source, token: createRedactor().forIncident('INC-1').redact(text) };
  };

  it('uses FIREBREAK_REDACTION_KEY first, else a key derived from the encrypting key, and says which', () => {
    const own = tokenWith({ FIREBREAK_REDACTION_KEY: REDACTION_KEY, FIREBREAK_ENCRYPTION_KEYS: `a:${KEY_A}` });
    const derived = tokenWith({ FIREBREAK_ENCRYPTION_KEYS: `a:${KEY_A},b:${KEY_B}` });
    const derivedAgain = tokenWith({ FIREBREAK_ENCRYPTION_KEYS: `a:${KEY_A}` });
    const rotated = tokenWith({ FIREBREAK_ENCRYPTION_KEYS: `b:${KEY_B},a:${KEY_A}` });
    expect([own.source, derived.source, rotated.source]).toEqual(['FIREBREAK_REDACTION_KEY', 'FIREBREAK_ENCRYPTION_KEYS', 'FIREBREAK_ENCRYPTION_KEYS']);
    expect(own.token).toBe(createRedactor({ tokenKey: Buffer.from(REDACTION_KEY, 'base64') }).forIncident('INC-1').redact(text));
    expect(derived.token).toBe(derivedAgain.token);
    expect(new Set([own.token, derived.token, rotated.token]).size).toBe(3);
    expect(configureRedactionTokens(parseEnv({ DATABASE_URL }))).toBe('per-process');
  });
});

describe('LOG_LEVEL before anything logs', () => {
  const VERBOSE = 'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"';

  it('reads the level alone, in any case, with a fallback when unset or blank', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel(undefined)).toBe('info');
    expect(parseLogLevel(' ', 'silent')).toBe('silent');
    expect(() => parseLogLevel('verbose')).toThrow(new ConfigError(VERBOSE));
  });

  it('makes a logger refuse an unknown level with the one-line configuration error, not a pino stack', () => {
    expect(() => createLogger({ level: 'verbose' })).toThrow(ConfigError);
    expect(() => createLogger({ level: 'verbose' })).toThrow(VERBOSE);
    expect(createLogger({ level: 'WARN' }).level).toBe('warn');
  });
});

describe('explainDatabaseFailure: one line naming DATABASE_URL, never the password', () => {
  const url = 'postgres://firebreak:s3cret%21@db.internal:6543/firebreak';
  const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code });
  const explain = (err: unknown) => {
    const result = explainDatabaseFailure(err, url);
    expect(result).toBeInstanceOf(ConfigError);
    const message = (result as Error).message;
    expect(message).not.toMatch(/s3cret/);
    expect(message.split('\n')).toHaveLength(1);
    return message;
  };

  it('names the server and why it could not be reached', () => {
    expect(explain(sqlError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:6543'))).toBe('DATABASE_URL: cannot connect to db.internal:6543 (connection refused)');
    expect(explain(Object.assign(new AggregateError([sqlError('ECONNREFUSED', 'a'), sqlError('ECONNREFUSED', 'b')]), { errors: [sqlError('ECONNREFUSED', 'a')] }))).toBe(
      'DATABASE_URL: cannot connect to db.internal:6543 (connection refused)',
    );
    expect(explain(sqlError('ENOTFOUND', 'getaddrinfo ENOTFOUND db.internal'))).toBe('DATABASE_URL: cannot connect to db.internal:6543 (no such host)');
    expect(explain(new Error('timeout exceeded when trying to connect'))).toBe('DATABASE_URL: cannot connect to db.internal:6543 (timed out)');
  });

  it('says whether the login or the database was refused', () => {
    expect(explain(sqlError('28P01', 'password authentication failed for user "firebreak"'))).toBe('DATABASE_URL: db.internal:6543 refused the login of user "firebreak" (wrong password)');
    expect(explain(sqlError('3D000', 'database "firebreak" does not exist'))).toBe('DATABASE_URL: db.internal:6543 has no database "firebreak"; create it (createdb -h db.internal -p 6543 -U firebreak firebreak), or fix the name');
    expect(explain(sqlError('28000', 'no pg_hba.conf entry for host "10.0.0.9", user "firebreak", password s3cret!'))).toBe(
      'DATABASE_URL: db.internal:6543 refused the login of user "firebreak" (no pg_hba.conf entry for host "10.0.0.9", user "firebreak", password ***)',
    );
  });

  it('leaves any other error alone, for the caller to report as it is', () => {
    const other = sqlError('42P01', 'relation "incidents" does not exist');
    expect(explainDatabaseFailure(other, url)).toBe(other);
    expect(explainDatabaseFailure('not an error', url)).toBe('not an error');
  });
});
