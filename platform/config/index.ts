// The process environment (DESIGN.md §3), validated once at start. A missing or malformed value
// stops the process with one line naming the variable; secrets are never echoed in that line.

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Which parts this process runs: both (the default), the Temporal worker, or the HTTP front-ends. */
export const ROLES = ['all', 'worker', 'http'] as const;
export type Role = (typeof ROLES)[number];

export interface TelemetryConfig {
  /** host:port the Temporal SDK runtime serves its Prometheus metrics on (TEMPORAL_METRICS_BIND). */
  temporalMetricsBind?: string;
  /** OTLP/HTTP collector base URL; set, it turns on OpenTelemetry tracing. */
  otlpEndpoint?: string;
  serviceName: string;
}

export interface TemporalConfig {
  /** host:port of a Temporal cluster; unset means `npm start` runs an embedded dev server. */
  address?: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls: boolean;
}

export interface SlackConfig {
  mode: 'socket' | 'http';
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl: string;
}

export type GitHubAuth = { kind: 'token'; token: string } | { kind: 'app'; appId: string; privateKey: string };

export interface GitHubConfig {
  auth: GitHubAuth;
  webhookSecret?: string;
  apiUrl: string;
}

export interface EncryptionKey {
  id: string;
  /** The key as written in the environment, kept for log redaction. */
  base64: string;
  key: Uint8Array;
}

export interface Config {
  role: Role;
  /** Prebuilt workflow bundle (FIREBREAK_WORKFLOW_BUNDLE); unset, workflows are bundled at start. */
  workflowBundlePath?: string;
  telemetry: TelemetryConfig;
  databaseUrl: string;
  port: number;
  publicUrl?: string;
  /** Path of the policy file (FIREBREAK_CONFIG). */
  policyPath: string;
  dataDir: string;
  logLevel: LogLevel;
  temporal: TemporalConfig;
  slack?: SlackConfig;
  github?: GitHubConfig;
  unleash?: { url: string; adminToken: string };
  launchDarkly?: { apiToken: string; apiUrl: string };
  /** Prometheus-compatible query API that verifies flag rollbacks. */
  prometheusUrl?: string;
  /** Admin URL of the Postgres server sandboxes are created on. */
  sandboxAdminUrl?: string;
  /** Keys every sandbox mask (with the seed); required with SANDBOX_ADMIN_URL. */
  sandboxSecret?: string;
  /** Payload encryption keys; the first encrypts, all decrypt, so rotation prepends a key. */
  encryptionKeys: EncryptionKey[];
  /** Keys the per-incident redaction tokens (FIREBREAK_REDACTION_KEY); see platform/redaction-key.ts. */
  redactionKey?: { base64: string; key: Uint8Array };
  /** Bearer token the Temporal UI presents to POST /codec/*; without it the codec endpoint is off. */
  codecToken?: string;
  /** Origins allowed to call the codec endpoint from a browser (TEMPORAL_UI_ORIGIN). */
  temporalUiOrigins: string[];
  dashboardToken?: string;
  /** Sign in with Slack (OpenID Connect) for the dashboard: SLACK_CLIENT_ID + SLACK_CLIENT_SECRET. */
  dashboardSlack?: { clientId: string; clientSecret: string; apiUrl: string };
  /** Signs dashboard session cookies (DASHBOARD_SESSION_SECRET); derived from the sign-in secrets when unset. */
  dashboardSessionSecret?: string;
  /** Admin URL of the PostgreSQL server that access grants create roles on. */
  accessPostgresUrl?: string;
  /** Signs capability tokens; without it each process derives its own (development only). */
  accessTokenKey?: { base64: string; key: Uint8Array };
  /** Bearer token internal tools present to POST /access/introspect. */
  introspectionToken?: string;
}

type Env = Record<string, string | undefined>;

function fail(name: string, problem: string): never {
  throw new ConfigError(`${name}: ${problem}`);
}

/** Unset and blank are the same: `.env` files often hold `NAME=`. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** What a bad URL looked like without repeating credentials it may hold. */
function urlShape(value: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  return scheme ? `"${scheme[1]}://…"` : 'something that is not a URL';
}

function readUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const expected = `expected a ${protocols.map((p) => `${p}//`).join(' or ')} URL`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(name, `${expected}, got ${urlShape(value)}`);
  }
  if (!protocols.includes(url.protocol)) fail(name, `${expected}, got ${urlShape(value)}`);
  return value;
}

const HTTP = ['https:', 'http:'] as const;
const POSTGRES = ['postgres:', 'postgresql:'] as const;

function readPort(env: Env): number {
  const value = read(env, 'PORT');
  if (value === undefined) return 3000;
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535)) fail('PORT', `expected a TCP port 1-65535, got ${JSON.stringify(value)}`);
  return port;
}

function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const value = read(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) fail(name, `expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

/** LOG_LEVEL alone, for a logger made before (or without) the rest of the environment. */
export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  return readChoice({ LOG_LEVEL: value }, 'LOG_LEVEL', LOG_LEVELS, fallback);
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;

function isHostPort(value: string): boolean {
  const m = HOST_PORT.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
}

function readTemporal(env: Env): TemporalConfig {
  const address = read(env, 'TEMPORAL_ADDRESS');
  if (address !== undefined && !isHostPort(address)) {
    fail('TEMPORAL_ADDRESS', `expected host:port like "temporal.internal:7233", got ${JSON.stringify(address)}`);
  }
  const apiKey = read(env, 'TEMPORAL_API_KEY');
  // Temporal Cloud API keys only work over TLS, so a key alone turns TLS on.
  const tls = readChoice(env, 'TEMPORAL_TLS', ['true', 'false'], apiKey ? 'true' : 'false') === 'true';
  if (address === undefined && (apiKey !== undefined || tls)) {
    fail(apiKey !== undefined ? 'TEMPORAL_API_KEY' : 'TEMPORAL_TLS', 'set, but TEMPORAL_ADDRESS is not; the embedded dev server takes neither');
  }
  return {
    address,
    namespace: read(env, 'TEMPORAL_NAMESPACE') ?? 'default',
    taskQueue: read(env, 'TEMPORAL_TASK_QUEUE') ?? 'firebreak',
    apiKey,
    tls,
  };
}

function readRole(env: Env, temporal: TemporalConfig): Role {
  const role = readChoice(env, 'FIREBREAK_ROLE', ROLES, 'all');
  // Two processes would each start a dev server on the same port; split roles need a real cluster.
  if (role !== 'all' && temporal.address === undefined) {
    fail('FIREBREAK_ROLE', `${role} needs TEMPORAL_ADDRESS; only "all" may run the embedded dev server`);
  }
  return role;
}

function readTelemetry(env: Env): TelemetryConfig {
  const bind = read(env, 'TEMPORAL_METRICS_BIND');
  if (bind !== undefined && !isHostPort(bind)) fail('TEMPORAL_METRICS_BIND', `expected host:port like "0.0.0.0:9464", got ${JSON.stringify(bind)}`);
  return {
    temporalMetricsBind: bind,
    otlpEndpoint: readUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', HTTP)?.replace(/\/+$/, ''),
    serviceName: read(env, 'OTEL_SERVICE_NAME') ?? 'firebreak',
  };
}

function readToken(env: Env, name: string, prefix: string, kind: string): string | undefined {
  const value = read(env, name);
  if (value !== undefined && !value.startsWith(prefix)) {
    fail(name, `expected a Slack ${kind} starting with "${prefix}", got one starting with ${JSON.stringify(value.slice(0, 5))}`);
  }
  return value;
}

function readSlack(env: Env): SlackConfig | undefined {
  const names = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_API_URL'];
  const firstSet = names.find((n) => read(env, n) !== undefined);
  if (firstSet === undefined) return undefined;
  const botToken = readToken(env, 'SLACK_BOT_TOKEN', 'xoxb-', 'bot token') ?? fail('SLACK_BOT_TOKEN', `missing; Slack needs it because ${firstSet} is set`);
  const appToken = readToken(env, 'SLACK_APP_TOKEN', 'xapp-', 'app-level token');
  const signingSecret = read(env, 'SLACK_SIGNING_SECRET');
  if (appToken === undefined && signingSecret === undefined) {
    fail('SLACK_SIGNING_SECRET', 'missing; Slack over HTTP needs it to verify requests (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  return {
    mode: appToken ? 'socket' : 'http',
    botToken,
    signingSecret,
    appToken,
    apiUrl: readUrl(env, 'SLACK_API_URL', HTTP) ?? 'https://slack.com/api/',
  };
}

function readGitHubAuth(env: Env): GitHubAuth | undefined {
  const token = read(env, 'GITHUB_TOKEN');
  const appId = read(env, 'GITHUB_APP_ID');
  const rawKey = read(env, 'GITHUB_APP_PRIVATE_KEY');
  if (token !== undefined && (appId !== undefined || rawKey !== undefined)) {
    fail('GITHUB_TOKEN', `set together with ${appId !== undefined ? 'GITHUB_APP_ID' : 'GITHUB_APP_PRIVATE_KEY'}; use either a token or a GitHub App, not both`);
  }
  if (token !== undefined) return { kind: 'token', token };
  if (appId === undefined && rawKey === undefined) return undefined;
  if (appId === undefined) fail('GITHUB_APP_ID', 'missing; GITHUB_APP_PRIVATE_KEY is set and needs the App ID next to it');
  if (rawKey === undefined) fail('GITHUB_APP_PRIVATE_KEY', 'missing; GITHUB_APP_ID is set and needs the App private key next to it');
  if (!/^[0-9]+$/.test(appId)) fail('GITHUB_APP_ID', `expected the numeric App ID, got ${JSON.stringify(appId)}`);
  // Keys pasted into a single-line variable usually carry `\n` escapes instead of newlines.
  const privateKey = rawKey.replace(/\\n/g, '\n');
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    fail('GITHUB_APP_PRIVATE_KEY', 'expected a PEM private key ("-----BEGIN RSA PRIVATE KEY-----…"), as downloaded from the App settings');
  }
  return { kind: 'app', appId, privateKey };
}

function readGitHub(env: Env): GitHubConfig | undefined {
  const auth = readGitHubAuth(env);
  const webhookSecret = read(env, 'GITHUB_WEBHOOK_SECRET');
  const apiUrl = readUrl(env, 'GITHUB_API_URL', HTTP);
  if (auth === undefined) {
    const dangling = webhookSecret !== undefined ? 'GITHUB_WEBHOOK_SECRET' : apiUrl !== undefined ? 'GITHUB_API_URL' : undefined;
    if (dangling) fail('GITHUB_TOKEN', `missing; ${dangling} is set, so set GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY`);
    return undefined;
  }
  return { auth, webhookSecret, apiUrl: apiUrl ?? 'https://api.github.com' };
}

function readFlagSystems(env: Env): Pick<Config, 'unleash' | 'launchDarkly' | 'prometheusUrl'> {
  const unleashUrl = readUrl(env, 'UNLEASH_URL', HTTP);
  const unleashToken = read(env, 'UNLEASH_ADMIN_TOKEN');
  if (unleashUrl !== undefined && unleashToken === undefined) fail('UNLEASH_ADMIN_TOKEN', 'missing; UNLEASH_URL is set and needs an admin API token');
  if (unleashUrl === undefined && unleashToken !== undefined) fail('UNLEASH_URL', 'missing; UNLEASH_ADMIN_TOKEN is set and needs the Unleash server URL');
  const ldToken = read(env, 'LAUNCHDARKLY_API_TOKEN');
  const ldUrl = readUrl(env, 'LAUNCHDARKLY_API_URL', HTTP);
  if (ldUrl !== undefined && ldToken === undefined) fail('LAUNCHDARKLY_API_TOKEN', 'missing; LAUNCHDARKLY_API_URL is set and needs an API access token');
  return {
    unleash: unleashUrl && unleashToken ? { url: unleashUrl, adminToken: unleashToken } : undefined,
    launchDarkly: ldToken ? { apiToken: ldToken, apiUrl: ldUrl ?? 'https://app.launchdarkly.com' } : undefined,
    prometheusUrl: readUrl(env, 'PROMETHEUS_URL', HTTP)?.replace(/\/+$/, ''),
  };
}

function decodeBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** FIREBREAK_ENCRYPTION_KEYS alone, for tools (the CLI) that need nothing else from the environment. */
export function parseEncryptionKeys(env: Env): EncryptionKey[] {
  const name = 'FIREBREAK_ENCRYPTION_KEYS';
  const value = read(env, name);
  if (value === undefined) return [];
  const keys: EncryptionKey[] = [];
  for (const [i, entry] of value.split(',').entries()) {
    const [id = '', base64 = '', ...extra] = entry.trim().split(':');
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id) || extra.length > 0) {
      fail(name, `expected keyId:base64key[,keyId:base64key…]; entry ${i + 1} has no valid key ID before ":"`);
    }
    if (keys.some((k) => k.id === id)) fail(name, `key ID "${id}" appears twice; each key needs its own ID`);
    const key = decodeBase64(base64);
    if (key?.length !== 32) fail(name, `key "${id}" must be 32 bytes in base64 (generate one with: openssl rand -base64 32)`);
    keys.push({ id, base64, key });
  }
  return keys;
}

/** FIREBREAK_REDACTION_KEY alone, for the CLI as for the service: base64, 16 bytes or more. */
export function parseRedactionKey(env: Env): Config['redactionKey'] {
  const value = read(env, 'FIREBREAK_REDACTION_KEY');
  if (value === undefined) return undefined;
  const key = decodeBase64(value);
  if (key === undefined || key.length < 16) fail('FIREBREAK_REDACTION_KEY', 'expected 16 or more bytes in base64 (generate one with: openssl rand -base64 32)');
  return { base64: value, key };
}

function readCodec(env: Env, keys: EncryptionKey[]): Pick<Config, 'codecToken' | 'temporalUiOrigins'> {
  const codecToken = read(env, 'FIREBREAK_CODEC_TOKEN');
  if (codecToken !== undefined && codecToken.length < 16) {
    fail('FIREBREAK_CODEC_TOKEN', `too short (${codecToken.length} characters); use 16 or more, e.g. openssl rand -hex 32`);
  }
  if (codecToken !== undefined && keys.length === 0) fail('FIREBREAK_CODEC_TOKEN', 'set, but FIREBREAK_ENCRYPTION_KEYS is not; the codec endpoint has nothing to decode with');
  const origins = (read(env, 'TEMPORAL_UI_ORIGIN') ?? 'http://localhost:8233').split(',').map((origin) => {
    const value = origin.trim();
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    // An origin is scheme://host[:port]; a path would never match the browser's Origin header.
    if (!url || !(HTTP as readonly string[]).includes(url.protocol) || url.origin !== value.replace(/\/+$/, '')) {
      fail('TEMPORAL_UI_ORIGIN', `expected origins like "https://temporal.acme.dev" (scheme, host, port; no path), got ${JSON.stringify(value)}`);
    }
    return url.origin;
  });
  return { codecToken, temporalUiOrigins: origins };
}

function readDashboardToken(env: Env): string | undefined {
  const token = read(env, 'DASHBOARD_TOKEN');
  if (token !== undefined && token.length < 16) fail('DASHBOARD_TOKEN', `too short (${token.length} characters); use 16 or more, e.g. openssl rand -hex 16`);
  return token;
}

function readDashboard(env: Env, publicUrl: string | undefined): Pick<Config, 'dashboardToken' | 'dashboardSlack' | 'dashboardSessionSecret'> {
  const clientId = read(env, 'SLACK_CLIENT_ID');
  const clientSecret = read(env, 'SLACK_CLIENT_SECRET');
  if (clientId !== undefined && clientSecret === undefined) fail('SLACK_CLIENT_SECRET', 'missing; Sign in with Slack needs it next to SLACK_CLIENT_ID (Slack app settings, Basic Information)');
  if (clientId === undefined && clientSecret !== undefined) fail('SLACK_CLIENT_ID', 'missing; Sign in with Slack needs it next to SLACK_CLIENT_SECRET (Slack app settings, Basic Information)');
  if (clientId !== undefined && !/^[0-9]+\.[0-9]+$/.test(clientId)) fail('SLACK_CLIENT_ID', 'expected the numeric client ID like "1234567890.0987654321" from the Slack app settings');
  if (clientId !== undefined && publicUrl === undefined) fail('PUBLIC_URL', 'missing; Sign in with Slack (SLACK_CLIENT_ID) builds its redirect URL from it');
  const sessionSecret = read(env, 'DASHBOARD_SESSION_SECRET');
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    fail('DASHBOARD_SESSION_SECRET', `too short (${sessionSecret.length} characters); use 32 or more, e.g. openssl rand -hex 32`);
  }
  return {
    dashboardToken: readDashboardToken(env),
    dashboardSlack:
      clientId && clientSecret ? { clientId, clientSecret, apiUrl: readUrl(env, 'SLACK_API_URL', HTTP) ?? 'https://slack.com/api/' } : undefined,
    dashboardSessionSecret: sessionSecret,
  };
}

function readAccess(env: Env): Pick<Config, 'accessPostgresUrl' | 'accessTokenKey' | 'introspectionToken'> {
  const rawKey = read(env, 'FIREBREAK_ACCESS_TOKEN_KEY');
  const key = rawKey === undefined ? undefined : decodeBase64(rawKey);
  if (rawKey !== undefined && (key === undefined || key.length < 32)) {
    fail('FIREBREAK_ACCESS_TOKEN_KEY', 'expected 32 or more bytes in base64 (generate one with: openssl rand -base64 32)');
  }
  const introspectionToken = read(env, 'FIREBREAK_INTROSPECTION_TOKEN');
  if (introspectionToken !== undefined && introspectionToken.length < 16) {
    fail('FIREBREAK_INTROSPECTION_TOKEN', `too short (${introspectionToken.length} characters); use 16 or more, e.g. openssl rand -hex 16`);
  }
  return { accessPostgresUrl: readUrl(env, 'ACCESS_POSTGRES_URL', POSTGRES), accessTokenKey: key && rawKey ? { base64: rawKey, key } : undefined, introspectionToken };
}

function readSandbox(env: Env): Pick<Config, 'sandboxAdminUrl' | 'sandboxSecret'> {
  const sandboxAdminUrl = readUrl(env, 'SANDBOX_ADMIN_URL', POSTGRES);
  const sandboxSecret = read(env, 'FIREBREAK_SANDBOX_SECRET');
  // Without a stable secret a recreated sandbox would mask differently and its hash would not match.
  if (sandboxAdminUrl && sandboxSecret === undefined) {
    fail('FIREBREAK_SANDBOX_SECRET', 'missing; SANDBOX_ADMIN_URL needs it to key the masks, e.g. openssl rand -hex 32');
  }
  if (sandboxSecret !== undefined && sandboxSecret.length < 16) {
    fail('FIREBREAK_SANDBOX_SECRET', `too short (${sandboxSecret.length} characters); use 16 or more, e.g. openssl rand -hex 32`);
  }
  return { sandboxAdminUrl, sandboxSecret };
}

/** Reads and checks every variable; throws `ConfigError` on the first problem. */
export function parseEnv(env: Env): Config {
  const publicUrl = readUrl(env, 'PUBLIC_URL', HTTP)?.replace(/\/+$/, '');
  const encryptionKeys = parseEncryptionKeys(env);
  const config = {
    databaseUrl:
      readUrl(env, 'DATABASE_URL', POSTGRES) ?? fail('DATABASE_URL', 'missing; set it to a PostgreSQL URL like postgres://firebreak:secret@127.0.0.1:5432/firebreak'),
    port: readPort(env),
    publicUrl,
    policyPath: read(env, 'FIREBREAK_CONFIG') ?? 'firebreak.config.yaml',
    dataDir: read(env, 'FIREBREAK_DATA_DIR') ?? '.data',
    logLevel: parseLogLevel(env.LOG_LEVEL),
    temporal: readTemporal(env),
    slack: readSlack(env),
    github: readGitHub(env),
    ...readFlagSystems(env),
    ...readSandbox(env),
    encryptionKeys,
    redactionKey: parseRedactionKey(env),
    ...readCodec(env, encryptionKeys),
    ...readDashboard(env, publicUrl),
    ...readAccess(env),
  };
  return {
    ...config,
    role: readRole(env, config.temporal),
    workflowBundlePath: read(env, 'FIREBREAK_WORKFLOW_BUNDLE'),
    telemetry: readTelemetry(env),
  };
}

/** For the start-up log line, e.g. `["slack (http)", "github (token)", "unleash"]`. */
export function enabledIntegrations(config: Config): string[] {
  const on: string[] = [];
  if (config.slack) on.push(`slack (${config.slack.mode})`);
  if (config.github) on.push(`github (${config.github.auth.kind})`);
  if (config.github?.webhookSecret) on.push('github webhooks');
  if (config.unleash) on.push('unleash');
  if (config.launchDarkly) on.push('launchdarkly');
  if (config.sandboxAdminUrl) on.push('sandboxes');
  if (config.encryptionKeys.length > 0) on.push('payload encryption');
  if (config.encryptionKeys.length > 0 && config.codecToken) on.push('codec endpoint');
  if (config.dashboardToken) on.push('dashboard token');
  if (config.dashboardSlack) on.push('dashboard sign in with slack');
  if (config.accessPostgresUrl) on.push('postgres access');
  if (config.telemetry.temporalMetricsBind) on.push('temporal metrics');
  if (config.telemetry.otlpEndpoint) on.push('tracing');
  return on;
}

function urlPassword(url: string | undefined): string[] {
  if (url === undefined) return [];
  const password = new URL(url).password;
  if (!password) return [];
  // The URL keeps the password percent-encoded; logs may show either form.
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A stray "%" stays as written; the raw form is still listed.
  }
  return [password, decoded];
}

/** Every secret value in the config, for the log redactor. */
export function secretValues(config: Config): string[] {
  const { slack, github, temporal } = config;
  const values = [
    ...urlPassword(config.databaseUrl),
    ...urlPassword(config.sandboxAdminUrl),
    ...urlPassword(config.accessPostgresUrl),
    config.introspectionToken,
    config.sandboxSecret,
    config.accessTokenKey?.base64,
    config.redactionKey?.base64,
    temporal.apiKey,
    slack?.botToken,
    slack?.signingSecret,
    slack?.appToken,
    github?.auth.kind === 'token' ? github.auth.token : github?.auth.privateKey,
    github?.webhookSecret,
    config.unleash?.adminToken,
    config.launchDarkly?.apiToken,
    ...config.encryptionKeys.map((k) => k.base64),
    config.codecToken,
    config.dashboardToken,
    config.dashboardSlack?.clientSecret,
    config.dashboardSessionSecret,
  ];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}
