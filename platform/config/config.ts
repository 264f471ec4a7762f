// The whole configuration of a service process, one field group per concern (the files beside
// this one read them). Its own file so that readers of a finished Config (report.ts) need not
// import the parser that builds it.

import type { AccessConfig, SandboxConfig } from './access.js';
import type { CodecConfig, DashboardConfig } from './http.js';
import type { FlagSystemsConfig, GitHubConfig, SlackConfig } from './integrations.js';
import type { Base64Key, EncryptionKey } from './keys.js';
import type { PagerDutyConfig } from './paging.js';
import type { LogFormat, LogLevel, TelemetryConfig } from './telemetry.js';
import type { Role, TemporalConfig } from './temporal.js';
import type { WorkerTuning } from './worker.js';

export interface Config extends FlagSystemsConfig, SandboxConfig, CodecConfig, DashboardConfig, AccessConfig {
  role: Role;
  /** Prebuilt workflow bundle (FIREBREAK_WORKFLOW_BUNDLE); unset, workflows are bundled at start. */
  workflowBundlePath?: string;
  telemetry: TelemetryConfig;
  /** Worker cache, task slots, pollers and the Postgres pool (platform/config/worker.ts). */
  tuning: WorkerTuning;
  databaseUrl: string;
  port: number;
  publicUrl?: string;
  /** Path of the policy file (FIREBREAK_CONFIG). */
  policyPath: string;
  dataDir: string;
  logLevel: LogLevel;
  /** FIREBREAK_LOG_FORMAT; unset, pretty on a terminal and JSON otherwise. */
  logFormat?: LogFormat;
  temporal: TemporalConfig;
  slack?: SlackConfig;
  github?: GitHubConfig;
  /** Always set by parseEnv; optional for hand-built configs in tests (the events URL defaults to PagerDuty's). */
  pagerDuty?: PagerDutyConfig;
  /** Payload encryption keys; the first encrypts, all decrypt, so rotation prepends a key. */
  encryptionKeys: EncryptionKey[];
  /** Keys the per-incident redaction tokens (FIREBREAK_REDACTION_KEY); see platform/redaction-key.ts. */
  redactionKey?: Base64Key;
}
