// The process environment (DESIGN.md §3), validated once at start. A missing or malformed value
// stops the process with one line naming the variable; secrets are never echoed in that line.
// Each concern reads its own variables (the files beside this one); this file puts them together
// in the order the checks have always run, so the first problem reported stays the same.

import { readAccess, readSandbox } from './access.js';
import type { Config } from './config.js';
import { readCodec, readDashboard, readPort } from './http.js';
import { readFlagSystems, readGitHub, readSlack } from './integrations.js';
import { parseEncryptionKeys, parseRedactionKey } from './keys.js';
import { readPagerDuty } from './paging.js';
import { HTTP, fail, readUrl, type Env } from './parse.js';
import { readDataDir, readDatabaseUrl, readPolicyPath, readWorkflowBundlePath } from './service.js';
import { parseLogLevel, readLogFormat, readTelemetry } from './telemetry.js';
import { readRole, readTemporal } from './temporal.js';
import { readWorkerTuning } from './worker.js';

export { loadCliConfig, type CliConfig } from './cli.js';
export type { AccessConfig, SandboxConfig } from './access.js';
export type { CodecConfig, DashboardConfig } from './http.js';
export type { FlagSystemsConfig, GitHubAuth, GitHubConfig, SlackConfig } from './integrations.js';
export { parseEncryptionKeys, parseRedactionKey, type Base64Key, type EncryptionKey } from './keys.js';
export { ConfigError, type Env } from './parse.js';
export { DEFAULT_PAGERDUTY_EVENTS_URL, readPagerDuty, type PagerDutyConfig } from './paging.js';
export { enabledIntegrations, secretValues } from './report.js';
export { DEVELOPMENT_DATABASE_URL, POLICY_FILE_NAME, readDatabaseUrlOrDefault } from './service.js';
export type { Config } from './config.js';
export { LOG_FORMATS, LOG_LEVELS, parseLogLevel, readLogFormat, type LogFormat, type LogLevel, type TelemetryConfig } from './telemetry.js';
export { DEV_SERVER_PORTS, ROLES, type DevServerPorts, type Role, type TemporalConfig, type TemporalTarget } from './temporal.js';
export { WORKER_TUNING_DEFAULTS, readWorkerTuning, type WorkerTuning } from './worker.js';

/** Reads and checks every variable; throws `ConfigError` on the first problem. */
export function parseEnv(env: Env): Config {
  const publicUrl = readUrl(env, 'PUBLIC_URL', HTTP)?.replace(/\/+$/, '');
  const encryptionKeys = parseEncryptionKeys(env);
  const config = {
    databaseUrl: readDatabaseUrl(env) ?? fail('DATABASE_URL', 'missing; set it to a PostgreSQL URL like postgres://firebreak:secret@127.0.0.1:5432/firebreak'),
    port: readPort(env),
    publicUrl,
    policyPath: readPolicyPath(env),
    dataDir: readDataDir(env),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    logFormat: readLogFormat(env),
    temporal: readTemporal(env),
    slack: readSlack(env),
    github: readGitHub(env),
    pagerDuty: readPagerDuty(env),
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
    workflowBundlePath: readWorkflowBundlePath(env),
    telemetry: readTelemetry(env),
    tuning: readWorkerTuning(env),
  };
}
