// Records workflow histories from real runs into test/fixtures/histories/ for the replay tests.
// Run it (`npm run record-histories`) before changing workflow code, never after: the committed
// histories must come from the code that running incidents were started with. Name recordings to
// record only those (`npm run record-histories -- grant flags`); RECORDINGS below lists them.

import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { createRecordingAccessNotifier } from '../activities/access/index.js';
import { createUnleashProvider } from '../activities/flags/index.js';
import { createGitHubApi } from '../activities/github/client.js';
import { createGitHubRedeliveryActivities } from '../activities/github/redelivery.js';
import { createGitHubWebhookActivities } from '../activities/github/webhook-effects.js';
import { createPagerDuty } from '../activities/pagerduty/integration.js';
import { readPagerDuty } from '../platform/config/index.js';
import { createScratchDatabase } from '../db/admin.js';
import { connectDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { parsePolicy, type Policy } from '../domain/policy/index.js';
import { createRedactor } from '../domain/redact.js';
import { startDevServer } from '../worker/dev-server.js';
import { createLogger } from '../platform/logger.js';
import { installTemporalRuntime } from '../worker/temporal-logger.js';
import { createFirebreakWorker } from '../worker/worker.js';
import { ensureTemporalCli } from '../worker/temporal-cli.js';
import { startUnleash } from '../test/helpers/unleash.js';
import { startGitHubStandIn } from '../test/standins/github-api.js';
import { startPrometheusStandIn } from '../test/standins/prometheus.js';
import * as scenarios from './history-scenarios.js';
import * as core from './history-scenarios/incident-core.js';
import * as alertBranches from './history-scenarios/alert-branches.js';
import * as publicResolve from './history-scenarios/public-resolve.js';
import * as pageTeam from './history-scenarios/page-team.js';
import { incidentTasks, tasksPolicy } from './history-scenarios/tasks.js';
import { ruleRun, rulesPolicy } from './history-scenarios/rules.js';
import { recordGitHubDeliveryAwaiting } from './history-scenarios/github-awaiting.js';
import { auditSeal } from './history-scenarios/audit-seal.js';
import { incidentPrivate, privacyPolicy } from './history-scenarios/privacy.js';
import { recordWebhooks } from './history-scenarios/webhooks.js';
import { incidentRoles, rolesPolicy } from './history-scenarios/roles.js';

const OUT = fileURLToPath(new URL('../test/fixtures/histories/', import.meta.url));
const POLICY = fileURLToPath(new URL('../test/fixtures/policy.yaml', import.meta.url));

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  writeFileSync(`${OUT}${name}.json`, JSON.stringify(JSON.parse(historyToJSON(history)), null, 1) + '\n');
  console.log(`wrote ${name}.json (${history.events?.length ?? 0} events)`);
}

interface Stack {
  address: string;
  namespace: string;
  database: ReturnType<typeof connectDatabase>;
  policy: Policy;
}

type Scenario = (ctx: scenarios.ScenarioContext, save: scenarios.Save) => Promise<void>;

/** What a scenario adds to the worker: activity dependencies, or activities a stand-in answers. */
interface Extras {
  deps?: Partial<ActivityDeps>;
  activities?: object;
}

/**
 * Runs `scenario` with a worker of its own (own task queue and policy) against the shared stack.
 * No payload codec here, on purpose: the fixtures are reviewed as text, and the replay test runs
 * them through the codec, which passes plaintext payloads through.
 */
async function withWorker(stack: Stack, policy: Policy, scenario: Scenario, extras: Extras = {}) {
  const taskQueue = `record-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address: stack.address });
  const activities = {
    ...createActivities({ db: stack.database.db, policy: () => policy, redactor: createRedactor(), logger: createLogger({ level: 'warn' }), ...extras.deps }),
    ...extras.activities,
  };
  const worker = await createFirebreakWorker({ connection: nativeConnection, namespace: stack.namespace, taskQueue, activities });
  const connection = await Connection.connect({ address: stack.address });
  const client = new Client({ connection, namespace: stack.namespace });
  try {
    await worker.runUntil(scenario({ client, taskQueue }, (name, workflowId) => save(name, client.workflow.getHandle(workflowId))));
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}

/** Flag rollbacks against a real Unleash (new-checkout on; smart-retries never created). */
async function recordFlagSaga(stack: Stack): Promise<void> {
  const unleash = await startUnleash();
  const prometheus = await startPrometheusStandIn();
  try {
    await unleash.createFlag('default', 'new-checkout');
    await unleash.toggle('default', 'new-checkout', 'development', true);
    prometheus.setValue(() => 0.2);
    const flagProviders = { unleash: createUnleashProvider({ url: unleash.url, adminToken: unleash.adminToken }) };
    // One run from declaration to close: the test policy's 200 events would continue it as new midway.
    const policy = { ...stack.policy, incidents: { ...stack.policy.incidents, continueAsNewAfterEvents: 100_000 } };
    await withWorker(stack, policy, scenarios.flagSaga, { deps: { flagProviders, prometheusUrl: prometheus.url } });
  } finally {
    await prometheus.stop();
    await unleash.stop();
  }
}

/** Redelivery against the GitHub API stand-in: Firebreak's hook on acme/payments, two failed deliveries. */
async function recordGitHubRedelivery(stack: Stack): Promise<void> {
  const standin = await startGitHubStandIn();
  try {
    const webhookUrl = 'https://firebreak.example.test/github/webhooks';
    const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    const failed = (id: number, deliveredAt: string) => ({ id, guid: randomUUID(), delivered_at: deliveredAt, status_code: 502, status: 'Bad Gateway', event: 'issues', action: 'labeled', redelivery: false });
    standin.hooks.set('acme/payments', [{ id: 7, config: { url: webhookUrl } }]);
    standin.deliveries.set('acme/payments:7', [failed(2, ago(1)), failed(1, ago(84))]);
    const api = createGitHubApi({ auth: { kind: 'token', token: 'ghp_standin_token_0123456789' }, apiUrl: standin.url }, { logger: createLogger({ level: 'warn' }), paceWrites: false });
    const activities = createGitHubRedeliveryActivities({ db: stack.database.db, api, policy: () => stack.policy, webhookUrl });
    await withWorker(stack, stack.policy, scenarios.githubRedelivery, { activities });
  } finally {
    await standin.stop();
  }
}

/** A declaring issue's link and a delivery's reply, posted to the GitHub API stand-in. */
async function recordGitHubDelivery(stack: Stack): Promise<void> {
  const standin = await startGitHubStandIn();
  try {
    standin.seedIssue('acme/payments', { number: 7, title: 'Checkout returns 502', body: null, labels: ['incident'], user: 'octocat' });
    const api = createGitHubApi({ auth: { kind: 'token', token: 'ghp_standin_token_0123456789' }, apiUrl: standin.url }, { logger: createLogger({ level: 'warn' }), paceWrites: false });
    await withWorker(stack, stack.policy, scenarios.githubDelivery, { activities: createGitHubWebhookActivities({ db: stack.database.db, api }) });
  } finally {
    await standin.stop();
  }
}

/** Runs `scenario` with the activities a stand-in of a SaaS answers, then checks what the stand-in was sent. */
async function withStandIn(stack: Stack, policy: Policy, scenario: Scenario, standIn: Promise<scenarios.StandIn>): Promise<void> {
  const running = await standIn;
  try {
    await withWorker(stack, policy, scenario, { activities: running.activities });
    running.verify();
  } finally {
    await running.stop();
  }
}

/** Every recording by name; `npm run record-histories -- grant sandbox` records only those. */
const RECORDINGS: Record<string, (stack: Stack) => Promise<void>> = {
  // One run from declaration to close, and separately a run that ends by continuing as new.
  incident: async (stack) => {
    const { policy } = stack;
    await withWorker(stack, { ...policy, incidents: { ...policy.incidents, continueAsNewAfterEvents: 100_000 } }, (ctx) => core.lifecycle(ctx, save));
    await withWorker(stack, { ...policy, incidents: { ...policy.incidents, continueAsNewAfterEvents: 30 } }, (ctx) => core.continueAsNew(ctx, save));
  },
  postmortem: (stack) => withWorker(stack, stack.policy, (ctx) => core.postmortem(ctx, save)),
  // Credentials go to a recording notifier: a token grant needs somewhere to deliver its secret.
  grant: (stack) => withWorker(stack, scenarios.grantPolicy(stack.policy), scenarios.grantLifecycle, { deps: { accessNotifiers: [createRecordingAccessNotifier('record')] } }),
  sandbox: (stack) => withWorker(stack, stack.policy, scenarios.sandboxLifecycle, { activities: scenarios.sandboxServerStandIn() }),
  flags: recordFlagSaga,
  retention: (stack) => withWorker(stack, stack.policy, scenarios.retention),
  'audit-seal': (stack) => withWorker(stack, stack.policy, auditSeal(stack.database.db)),
  digest: (stack) => withWorker(stack, stack.policy, scenarios.weeklyDigest),
  redelivery: recordGitHubRedelivery,
  delivery: recordGitHubDelivery,
  'delivery-awaiting': (stack) => recordGitHubDeliveryAwaiting(stack, withWorker),
  alerts: (stack) => withWorker(stack, scenarios.alertsPolicy(stack.policy), scenarios.alertGroup),
  'alert-triage': (stack) => {
    const policy = alertBranches.alertBranchPolicy(stack.policy, alertBranches.TRIAGE_SERVICE, { action: 'triage' });
    return withStandIn(stack, policy, alertBranches.alertGroupTriage, alertBranches.startTriageSlack(stack.database.db));
  },
  'alert-auto-mitigate': (stack) => withWorker(stack, alertBranches.alertBranchPolicy(stack.policy, alertBranches.MITIGATE_SERVICE, { action: 'declare', autoMitigate: true }), alertBranches.alertGroupAutoMitigate),
  'alert-suppressed': (stack) => {
    const policy = alertBranches.alertBranchPolicy(stack.policy, alertBranches.SUPPRESSED_SERVICE, { action: 'declare' });
    return withWorker(stack, policy, alertBranches.alertGroupSuppressed(policy));
  },
  'public-resolve': (stack) => {
    const policy = publicResolve.publicResolvePolicy(stack.policy);
    return withStandIn(stack, policy, publicResolve.incidentPublicResolve, publicResolve.startStatusPageMirror(stack.database.db, policy));
  },
  'page-team': (stack) => {
    const policy = pageTeam.pageTeamPolicy(stack.policy);
    return withStandIn(stack, policy, pageTeam.incidentPageTeam, pageTeam.startPagerDuty(stack.database.db, policy));
  },
  webhooks: (stack) => recordWebhooks(stack, withStandIn),
  roles: (stack) => withWorker(stack, rolesPolicy(stack.policy), incidentRoles),
  private: (stack) => withWorker(stack, privacyPolicy(stack.policy), incidentPrivate),
  tasks: (stack) => withWorker(stack, tasksPolicy(stack.policy), incidentTasks),
  rules: (stack) => withWorker(stack, rulesPolicy(stack.policy), ruleRun),
  'page-escalation': (stack) => {
    const policy = scenarios.escalationPolicy(stack.policy);
    const activities = createPagerDuty({ db: stack.database.db, policy: () => policy, redactor: createRedactor(), logger: createLogger({ level: 'warn' }), config: readPagerDuty({}) }).activities;
    return withWorker(stack, policy, scenarios.pageEscalation, { activities });
  },
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in RECORDINGS));
  if (unknown.length) throw new Error(`no recording named ${unknown.join(', ')}; known: ${Object.keys(RECORDINGS).join(', ')}`);
  installTemporalRuntime(createLogger({ level: 'warn' }));
  const cli = await ensureTemporalCli({ log: console.log });
  const server = await startDevServer({ cli, uiPort: false });
  const scratch = await createScratchDatabase('firebreak_record');
  const database = connectDatabase(scratch.url);
  try {
    await runMigrations(scratch.url);
    const policy = parsePolicy(readFileSync(POLICY, 'utf8'), POLICY);
    const stack = { address: server.address, namespace: server.namespace, database, policy };
    // Named recordings only, when asked: the others stay as recorded from the code they ran on.
    for (const name of asked.length ? asked : Object.keys(RECORDINGS)) await RECORDINGS[name]!(stack);
  } finally {
    await database.close();
    await scratch.drop();
    await server.stop();
  }
}

await main();
// unleash-server leaves timers behind after stop(); nothing else is left to wait for.
process.exit(0);
