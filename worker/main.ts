// `npm start`: migrate, make sure Temporal is there, run the worker and the HTTP server, and stop
// all of it cleanly on SIGINT/SIGTERM.

import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { GracefulShutdownPeriodExpiredError, NativeConnection, type Worker } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { accessTokenKey } from '../platform/access-token.js';
import { flagProvidersFrom } from '../activities/flags/index.js';
import { createActivities } from '../activities/index.js';
import { outboundActivities, outboundActivityDeps } from '../activities/outbound.js';
import { accessRoutes } from '../bots/access/introspect.js';
import { codecRoutes } from '../bots/codec-server.js';
import { ConfigError, DEVELOPMENT_DATABASE_URL, enabledIntegrations, parseEnv, secretValues, type Config } from '../platform/config/index.js';
import { PolicyError, parsePolicy, type Policy } from '../domain/policy/index.js';
import { createRedactor } from '../domain/redact.js';
import { configureRedactionTokens } from '../platform/redaction-key.js';
import { startHttpServer } from '../platform/http/server.js';
import { connectDatabase } from '../db/client.js';
import { explainDatabaseFailure } from '../db/connection-problem.js';
import { runMigrations } from '../db/migrate.js';
import { ensureDatabaseExists } from '../db/create-database.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { dashboardActionAdder } from './dashboard-actions.js';
import { buildIntegrations } from './integrations.js';
import { ensureSchedules } from './schedules.js';
import { installTemporalRuntime } from './temporal-logger.js';
import { startTracing, type Tracing } from './tracing.js';
import { resolveTemporal } from './temporal-endpoint.js';
import { createFirebreakWorker } from './worker.js';
import { chooseWorkflowBundle, workflowCode } from './workflow-bundle.js';
import { EncryptionCodec, firebreakDataConverter } from '../platform/codec.js';
import { dashboardRoutes } from '../web/routes.js';
import { statusPageRoutes } from '../web/status/routes.js';

// `npm start` on a fresh clone of a developer machine works without any settings (the development
// database is DEVELOPMENT_DATABASE_URL); production (NODE_ENV=production, as in the Docker image)
// must say where its database is.
async function loadSettings(): Promise<{ config: Config; policy: Policy; developmentDatabase: boolean }> {
  const developmentDatabase = !process.env.DATABASE_URL && process.env.NODE_ENV !== 'production';
  const config = parseEnv(developmentDatabase ? { ...process.env, DATABASE_URL: DEVELOPMENT_DATABASE_URL } : process.env);
  let text: string;
  try {
    text = await readFile(config.policyPath, 'utf8');
  } catch {
    throw new PolicyError(`${config.policyPath}: cannot read the policy file; set FIREBREAK_CONFIG to its path.`);
  }
  return { config, policy: parsePolicy(text, config.policyPath), developmentDatabase };
}

/** Secrets from the environment are redacted from logs by value, on top of the patterns. */
function logRedactionPatterns(config: Config, policy: Policy) {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const secrets = secretValues(config).filter((s) => s.length >= 8);
  return [
    ...policy.redaction.patterns,
    ...(secrets.length ? [{ name: 'configured-secret', pattern: secrets.map(escape).join('|') }] : []),
  ];
}

async function main(): Promise<void> {
  const { config, policy, developmentDatabase } = await loadSettings();
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, redactor: createRedactor({ extraPatterns: logRedactionPatterns(config, policy) }) });

  installTemporalRuntime(logger, { metricsBind: config.telemetry.temporalMetricsBind });
  await prepareDatabase(config.databaseUrl, developmentDatabase, logger);
  const database = connectDatabase(config.databaseUrl, { max: config.tuning.databasePoolSize });
  const temporal = await resolveTemporal(config.temporal, config.dataDir, logger);
  const stopDevServer = async () => temporal.devServer?.stop();
  const tracing = await startTracing(config.telemetry, logger);
  try {
    await serve(config, policy, logger, database, temporal, tracing);
  } finally {
    await tracing?.shutdown();
    await database.close();
    await stopDevServer();
    logger.info('stopped');
  }
}

/** The first contact with Postgres: a server that is down or refuses the login is one line naming DATABASE_URL. */
async function prepareDatabase(databaseUrl: string, developmentDatabase: boolean, logger: Logger): Promise<void> {
  try {
    if (developmentDatabase) {
      logger.info(`DATABASE_URL is not set: using the development database ${DEVELOPMENT_DATABASE_URL}`);
      await ensureDatabaseExists(databaseUrl, (line) => logger.info(line));
    }
    await runMigrations(databaseUrl);
  } catch (err) {
    throw explainDatabaseFailure(err, databaseUrl);
  }
}

async function serve(
  config: Config,
  policy: Policy,
  logger: Logger,
  database: ReturnType<typeof connectDatabase>,
  temporal: Awaited<ReturnType<typeof resolveTemporal>>,
  tracing: Tracing | undefined,
): Promise<void> {
  const tls = config.temporal.tls || undefined;
  const apiKey = config.temporal.apiKey;
  // FIREBREAK_ROLE: `http` runs no Temporal worker; `worker` serves only /healthz, /readyz and /metrics.
  const runsWorker = config.role !== 'http';
  const runsFrontEnds = config.role !== 'worker';
  const nativeConnection = runsWorker ? await NativeConnection.connect({ address: temporal.address, tls, apiKey }) : undefined;
  const connection = await Connection.connect({ address: temporal.address, tls, apiKey });
  // One codec for the worker, this process's client and the UI's codec endpoint.
  const codec = new EncryptionCodec(config.encryptionKeys);
  const dataConverter = firebreakDataConverter(codec);
  // With a worker in this process the client shares its native (Rust) connection, so front-end
  // queries and updates do their gRPC work off the JS thread that parses and acks requests.
  const newClient = () => new Client({ connection: nativeConnection ?? connection, namespace: temporal.namespace, interceptors: { workflow: tracing?.clientInterceptors ?? [] }, dataConverter });
  const client = newClient();
  const perProcessKeys = [
    ...(configureRedactionTokens(config) === 'per-process' ? ['FIREBREAK_REDACTION_KEY'] : []),
    ...(config.accessTokenKey ? [] : ['FIREBREAK_ACCESS_TOKEN_KEY']),
  ];
  if (perProcessKeys.length) logger.warn(perProcessKeysWarning(perProcessKeys));
  const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
  const taskQueue = config.temporal.taskQueue;
  // The worker role builds what Firebreak sends (activities get their own client), the http role what it receives.
  const { outbound, inbound } = buildIntegrations(
    { config, policy, db: database.db, client, workflowClient: runsWorker ? newClient() : client, taskQueue, logger, redactor },
    { outbound: runsWorker, inbound: runsFrontEnds },
  );
  // Logged once they are built: the policy turns some on (alerts, paging) that no setting names.
  const integrations = [...new Set([...outbound, ...inbound].map((i) => i.name))];
  const fromSettings = enabledIntegrations(config);
  const on = [...fromSettings, ...integrations.filter((name) => !fromSettings.some((item) => item.startsWith(name)))];
  logger.info({ integrations: on }, `integrations on: ${on.join(', ') || 'none'}`);
  // One key for signing (activities) and checking (introspection) capability tokens.
  const tokenKey = accessTokenKey(config.accessTokenKey?.key);
  const bundle = runsWorker ? await chooseWorkflowBundle(config.workflowBundlePath, tracing !== undefined) : undefined;
  if (bundle) logger[bundle.stale ? 'warn' : 'info'](bundle.reason);
  const code = workflowCode(bundle?.bundlePath, tracing !== undefined);
  const worker = nativeConnection && (await createFirebreakWorker({
    connection: nativeConnection,
    workflowBundle: code.workflowBundle,
    ...(tracing && { sinks: tracing.worker.sinks, interceptors: { activity: tracing.worker.activityInterceptors, workflowModules: code.workflowModules } }),
    namespace: temporal.namespace,
    taskQueue,
    dataConverter,
    tuning: config.tuning,
    activities: {
      ...createActivities({
        db: database.db,
        policy: () => policy,
        redactor,
        logger,
        ...outboundActivityDeps(outbound),
        access: { postgresUrl: config.accessPostgresUrl, tokenKey, github: config.github },
        sandbox: { adminUrl: config.sandboxAdminUrl, secret: config.sandboxSecret, resolveRelease: outbound.find((o) => o.resolveRelease)?.resolveRelease },
        flagProviders: flagProvidersFrom(config),
        prometheusUrl: config.prometheusUrl,
        publicUrl: config.publicUrl,
      }),
      ...outboundActivities(outbound),
    },
  }));
  const http = await startHttpServer({
    port: config.port,
    logger,
    routes: runsFrontEnds ? [
      ...inbound.flatMap((i) => i.routes),
      ...accessRoutes({ db: database.db, tokenKey, introspectionToken: config.introspectionToken }),
      ...codecRoutes({ codec, token: config.codecToken, origins: config.temporalUiOrigins }),
      ...statusPageRoutes({ db: database.db, policy: () => policy, publicUrl: config.publicUrl }),
      // Last: the dashboard lives under `/` and must not shadow any route above.
      ...dashboardRoutes({
        db: database.db,
        policy,
        redactor,
        logger,
        token: config.dashboardToken,
        slack: config.dashboardSlack,
        publicUrl: config.publicUrl,
        sessionSecret: config.dashboardSessionSecret,
        addActionItem: dashboardActionAdder({ client, taskQueue }, () => policy),
      }),
    ] : [],
    readiness: [
      { name: 'postgres', check: async () => void (await database.db.execute(sql`SELECT 1`)) },
      { name: 'temporal', check: async () => void (await connection.workflowService.getSystemInfo({})) },
      // Until run() starts (after the schedules below) the state is INITIALIZED: not ready yet.
      ...(worker ? [{ name: 'worker', check: async () => assertRunning(worker) }] : []),
    ],
  });
  // Socket Mode and warming the bots' identities belong to the front-ends.
  for (const side of inbound) await side.start?.();
  await ensureSchedules(client, taskQueue, config, logger);
  const urls = startUrls(config, http.url, temporal.devServer?.uiUrl, runsFrontEnds);
  logger.info({ role: config.role, url: http.url, ...urls, taskQueue, temporal: temporal.address, integrations }, upLine(urls));

  let stopped = () => {};
  const untilStopped = new Promise<void>((resolve) => (stopped = resolve));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    stopped();
  };
  // `on`, not `once`: Ctrl-C reaches npm, tsx and this process, and npm and tsx pass it on again;
  // with no listener left that repeat would end the process in the middle of the clean stop
  // (tsx exits 130, the dev server is SIGKILLed instead of stopped).
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    await (worker ? worker.run() : untilStopped);
  } finally {
    for (const side of inbound) await side.stop?.().catch((err: unknown) => logger.warn({ err }, `${side.name} did not stop cleanly`));
    await http.close();
    await connection.close();
    await nativeConnection?.close();
  }
}

/**
 * One warning for the keys this process made up, saying what to set: without them redaction tokens
 * differ between processes and restarts, and capability tokens stop working on restart.
 */
function perProcessKeysWarning(names: string[]): string {
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${list} not set: using per-process keys, so redaction tokens change and access tokens stop working on restart. Fine for a try-out; otherwise set ${names.length === 1 ? 'it' : 'each'} to the output of \`openssl rand -base64 32\` (see .env.example)`;
}

/** Where a person goes next: the dashboard (front-ends only), the Temporal UI, the metrics. */
function startUrls(config: Config, serverUrl: string, devUiUrl: string | undefined, frontEnds: boolean): { dashboard?: string; dashboardOff?: true; temporalUi?: string; metrics: string } {
  // Without a sign-in method the dashboard only answers that it is off, so the line says how to turn it on.
  const dashboardOff = !config.dashboardToken && !config.dashboardSlack;
  return {
    ...(frontEnds ? { dashboard: `${config.publicUrl ?? serverUrl}/`, ...(dashboardOff && { dashboardOff }) } : {}),
    ...(devUiUrl ? { temporalUi: devUiUrl } : {}),
    metrics: `${serverUrl}/metrics`,
  };
}

function upLine(urls: ReturnType<typeof startUrls>): string {
  const dashboard = urls.dashboard && `dashboard ${urls.dashboard}${urls.dashboardOff ? ' (off: set DASHBOARD_TOKEN to sign in)' : ''}`;
  const parts = [dashboard, urls.temporalUi && `Temporal UI ${urls.temporalUi}`, `metrics ${urls.metrics}`].filter(Boolean);
  return `Firebreak is up: ${parts.join(', ')}`;
}

function assertRunning(worker: Worker): void {
  if (worker.getState() !== 'RUNNING') throw new Error(worker.getState());
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof PolicyError) {
    console.error(`firebreak: ${err.message}`);
  } else if (err instanceof GracefulShutdownPeriodExpiredError) {
    // Asked to stop, and some activity outlived the worker's shutdown time: stop anyway.
    console.error('firebreak: stopped with activities still running; Temporal retries them elsewhere');
  } else {
    console.error('firebreak: failed to start:', err);
  }
  process.exit(1);
});
