// The redelivery workflow against the GitHub API stand-in, with real activities on Postgres: it
// finds Firebreak's hook by its URL, asks GitHub to send again only what failed and was never
// processed, and the redelivered trigger then declares its incident through the real server.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSchedule, REDELIVERY_EVERY } from '../../worker/schedules.js';
import { findIncidentByExternal } from '../../db/queries/links.js';
import { processedRequests } from '../../db/schema/index.js';
import { GITHUB_REDELIVERY_SCHEDULE_ID, type GitHubRedeliveryResult } from '../../workflows/github-redelivery/messages.js';
import type { StandInDelivery } from '../standins/github-api.js';
import { eventually } from '../helpers/system.js';
import { EXAMPLE_REPO, examplePayload, PUBLIC_URL, startGitHubSystem, uniqueIssueNumber, WEBHOOK_SECRET, type GitHubSystem } from '../helpers/github-system.js';

let gh: GitHubSystem;
beforeAll(async () => {
  gh = await startGitHubSystem();
  gh.standin.redeliverTo = { url: `${gh.server.url}/github/webhooks`, secret: WEBHOOK_SECRET };
});
afterAll(async () => {
  await gh?.system.client.schedule.getHandle(GITHUB_REDELIVERY_SCHEDULE_ID).delete().catch(() => undefined);
  await gh?.stop();
});

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
let nextId = 1;
function delivery(guid: string, statusCode: number, deliveredAt: string, payload?: unknown): StandInDelivery {
  return { id: nextId++, guid, delivered_at: deliveredAt, status_code: statusCode, status: statusCode < 300 ? 'OK' : 'Internal Server Error', event: 'issues', action: 'labeled', redelivery: false, payload };
}

async function runRedelivery(): Promise<GitHubRedeliveryResult> {
  return gh.system.client.workflow.execute('githubRedeliveryWorkflow', {
    taskQueue: gh.system.taskQueue,
    workflowId: `github-redelivery-test-${randomUUID()}`,
    args: [{ lookbackSeconds: 6 * 3600 }],
  });
}

describe('the GitHub redelivery workflow', () => {
  it('redelivers failed, unprocessed deliveries of the last hours, and the trigger then takes effect', async () => {
    const number = uniqueIssueNumber();
    const missed = examplePayload('issues.labeled');
    missed.issue.number = number;
    missed.label = { ...missed.label!, name: 'incident' };
    gh.standin.seedIssue(EXAMPLE_REPO, { number, title: missed.issue.title, labels: ['incident'] });
    const [failed, recovered, processed, old, refused] = ['failed', 'recovered', 'processed', 'old', 'refused'].map((n) => `${n}-${randomUUID()}`) as [string, string, string, string, string];
    gh.standin.hooks.set(EXAMPLE_REPO, [
      { id: 8, config: { url: 'https://someone-else.example/hook' } },
      { id: 7, config: { url: `${PUBLIC_URL}/github/webhooks` } },
    ]);
    gh.standin.deliveries.set(`${EXAMPLE_REPO}:7`, [
      delivery(failed, 502, hoursAgo(1), missed),
      delivery(recovered, 500, hoursAgo(2)),
      delivery(recovered, 200, hoursAgo(1.5)),
      delivery(processed, 504, hoursAgo(1)),
      delivery(old, 502, hoursAgo(8)),
      delivery(refused, 0, hoursAgo(3)),
    ]);
    gh.standin.deliveries.set(`${EXAMPLE_REPO}:8`, [delivery(`theirs-${randomUUID()}`, 500, hoursAgo(1))]);
    // Delivered to Firebreak and handled, yet GitHub saw a timeout: nothing to send again.
    await gh.system.database.db.insert(processedRequests).values({ key: `github-delivery:${processed}`, kind: 'github.delivery' });
    gh.standin.failNext('POST', /\/hooks\/7\/deliveries\/6\/attempts$/, { status: 422, body: { message: 'Validation Failed' } });

    const result = await runRedelivery();
    expect(result).toEqual({ found: 2, redelivered: [failed], refused: [refused] });
    expect(gh.standin.callsTo('GET', /\/hooks\/8\/deliveries$/)).toHaveLength(0);
    // acme/payments and acme/search have no hooks the token may list (404): skipped, not fatal.
    expect(gh.standin.callsTo('GET', /^\/repos\/acme\/payments\/hooks$/).map((c) => c.status)).toEqual([404]);

    const key = await eventually(async () => findIncidentByExternal(gh.system.database.db, 'github-issue', `${EXAMPLE_REPO}#${number}`), 15_000, 'redelivered trigger');
    expect(key).toMatch(/^INC-\d+$/);
    // GitHub lists the successful redelivery; the next run leaves that event alone.
    await eventually(async () => gh.standin.deliveries.get(`${EXAMPLE_REPO}:7`)!.find((d) => d.guid === failed && d.redelivery && d.status_code === 200), 10_000, 'listed attempt');
    expect((await runRedelivery()).redelivered).not.toContain(failed);
  });

  it('creates its schedule at start, and ensuring it again is safe', async () => {
    await ensureSchedule(gh.system.client, 'githubRedelivery', gh.system.taskQueue);
    await ensureSchedule(gh.system.client, 'githubRedelivery', gh.system.taskQueue);
    const described = await gh.system.client.schedule.getHandle(GITHUB_REDELIVERY_SCHEDULE_ID).describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'githubRedeliveryWorkflow', taskQueue: gh.system.taskQueue });
    expect(described.spec.intervals?.[0]?.every).toBe(REDELIVERY_EVERY === '10m' ? 600_000 : expect.anything());
  });
});
