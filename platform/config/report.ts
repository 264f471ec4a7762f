// What the service says about its configuration: which integrations are on (the start-up log
// line) and which values the log redactor must never let through.

import type { Config } from './config.js';

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
