// The GitHub integration wired as production wires it, around a real worker, a real HTTP server
// and the GitHub API stand-in; plus real recorded payloads from @octokit/webhooks-examples, signed
// with the webhook secret and POSTed the way GitHub delivers them.

import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { EmitterWebhookEvent, EmitterWebhookEventName } from '@octokit/webhooks';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { buildGitHubIntegration } from '../../worker/integrations.js';
import { GITHUB_WEBHOOK_PATH as WEBHOOK_PATH } from '../../domain/github/refs.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { connectDatabase } from '../../db/client.js';
import { parseEnv } from '../../platform/config/index.js';
import type { Policy } from '../../domain/policy/index.js';
import { createRedactor } from '../../domain/redact.js';
import type { Integration } from '../../worker/integrations.js';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';
import { testDataConverter } from './encryption.js';
import { findIncidentByExternal } from '../../db/queries/links.js';
import { eventually, loadTestPolicy, startTestSystem, type TestSystem } from './system.js';
import { testLogger } from './test-log.js';

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';
export const EXAMPLE_REPO = 'Codertocat/Hello-World';
export const PUBLIC_URL = 'https://firebreak.example.test';

/**
 * The test policy plus the repository the recorded payloads come from, so they need no rewriting,
 * and their sender Codertocat as an SRE (who may resolve). dave-gh stays unknown to the policy.
 */
export function githubTestPolicy(): Policy {
  const policy = loadTestPolicy();
  policy.services['hello-world'] = { repo: EXAMPLE_REPO, owners: ['sre'] };
  policy.teams.sre!.members.push({ name: 'codertocat', slack: 'U0CODER', github: 'Codertocat' });
  return policy;
}

export interface GitHubSystem {
  system: TestSystem;
  standin: GitHubStandIn;
  server: RunningServer;
  integration: Integration;
  /** Signs and POSTs one delivery; returns the HTTP status and JSON answer. */
  deliver(event: string, payload: unknown, options?: { id?: string; secret?: string | null }): Promise<{ status: number; body: { status?: string; error?: string } }>;
  /**
   * The incident declared from issue `number` of the example repository. The webhook answers once
   * the declaration has started, and the declaration links the issue before it ends.
   */
  declaredFrom(number: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startGitHubSystem(options: { auth?: 'token' | 'app'; privateKey?: string; policy?: (policy: Policy) => Policy } = {}): Promise<GitHubSystem> {
  const standin = await startGitHubStandIn();
  const policy = options.policy ? options.policy(githubTestPolicy()) : githubTestPolicy();
  const config = parseEnv({
    DATABASE_URL: inject('databaseUrl'),
    PUBLIC_URL,
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GITHUB_API_URL: standin.url,
    ...(options.auth === 'app' ? { GITHUB_APP_ID: '12345', GITHUB_APP_PRIVATE_KEY: options.privateKey } : { GITHUB_TOKEN: 'ghp_standin_token_0123456789' }),
  });
  const database = connectDatabase(inject('databaseUrl'));
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const client = new Client({ connection, namespace: inject('temporalNamespace'), dataConverter: testDataConverter });
  const taskQueue = `test-github-${randomUUID()}`;
  const logger = testLogger();
  const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
  const ctx = { config, policy, db: database.db, client, taskQueue, logger, redactor };
  const integration = buildGitHubIntegration(ctx, config.github!, { paceWrites: false });
  const system = await startTestSystem({ policy, taskQueue, notifiers: integration.notifiers, triageSources: integration.triageSources, activities: integration.activities });
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', logger, routes: integration.routes });
  return {
    system,
    standin,
    server,
    integration,
    async deliver(event, payload, { id = randomUUID(), secret = WEBHOOK_SECRET } = {}) {
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id };
      if (secret !== null) headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      const res = await fetch(`${server.url}${WEBHOOK_PATH}`, { method: 'POST', headers, body });
      return { status: res.status, body: (await res.json()) as { status?: string; error?: string } };
    },
    declaredFrom: (number) => eventually(() => findIncidentByExternal(database.db, 'github-issue', `${EXAMPLE_REPO}#${number}`), 30_000, `the incident of issue #${number}`),
    async stop() {
      await server.close();
      await system.stop();
      await integration.stop?.();
      await connection.close();
      await database.close();
      await standin.stop();
    },
  };
}

interface ExampleFile {
  name: string;
  examples: Record<string, unknown>[];
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as ExampleFile[];

/** A deep copy of the first recorded payload of `issues.labeled`, `issue_comment.created`, `ping`… */
export function examplePayload<E extends EmitterWebhookEventName>(name: E): EmitterWebhookEvent<E>['payload'] {
  const [event, action] = name.split('.');
  const found = examples.find((e) => e.name === event)?.examples.find((p) => action === undefined || p.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${name} payload`);
  return structuredClone(found) as EmitterWebhookEvent<E>['payload'];
}

/** A label as GitHub's webhook payloads carry it. */
export function webhookLabel(name: string) {
  return { id: name.length, node_id: `L_${name}`, url: '', name, color: 'd73a4a', default: false, description: null };
}

/**
 * `issues.labeled` as recorded, on issue `number` of the example repository, given the incident
 * label (the issue carries `labels`), with the issue seeded in the GitHub stand-in as it would exist.
 */
export function incidentLabeledPayload(standin: GitHubStandIn, number: number, options: { title?: string; labels?: string[]; body?: string | null } = {}) {
  const labels = options.labels ?? ['incident'];
  const payload = examplePayload('issues.labeled');
  payload.issue.number = number;
  payload.issue.title = options.title ?? `Checkout returns 502 (#${number})`;
  payload.issue.labels = labels.map(webhookLabel);
  payload.label = webhookLabel('incident');
  const body = options.body === undefined ? (payload.issue.body ?? null) : options.body;
  standin.seedIssue(EXAMPLE_REPO, { number, title: payload.issue.title, body, labels, user: 'Codertocat' });
  return payload;
}

/** Issue numbers of their own per test, since every file of the run shares one database. */
export function uniqueIssueNumber(): number {
  return 10_000 + Math.floor(Math.random() * 89_999_999);
}
