// GitHub never redelivers on its own: these activities find deliveries that failed while Firebreak
// was down or erroring and ask GitHub to send them again. A GitHub App lists its one webhook's
// deliveries; with a token, Firebreak's hook is found per policy repository by its URL.

import { inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { processedRequests } from '../../db/schema/index.js';
import type { Policy } from '../../domain/policy/index.js';
import type { FailedDelivery, HookTarget } from '../../workflows/github-redelivery/messages.js';
import { deliveryRecordKey } from './delivery-records.js';
import { github, httpStatus, toActivityFailure, type GitHubApi, type GitHubOctokit } from './client.js';
import { splitRepo } from '../../domain/github/refs.js';

export interface RedeliveryDeps {
  db: Database;
  api: GitHubApi;
  policy: () => Policy;
  /** `${PUBLIC_URL}/github/webhooks`: how Firebreak recognises its own repository hooks. */
  webhookUrl?: string;
}

interface Delivery {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
  event: string;
}

const MAX_PAGES = 10;

export function createGitHubRedeliveryActivities(deps: RedeliveryDeps) {
  return {
    /** One entry per delivery GUID that never succeeded in the window and was never processed. */
    async findFailedGitHubDeliveries(input: { lookbackSeconds: number }): Promise<FailedDelivery[]> {
      const since = Date.now() - input.lookbackSeconds * 1000;
      const found: FailedDelivery[] = [];
      for (const hook of await hookTargets(deps)) found.push(...failedOnly(hook, await recentDeliveries(deps.api, hook, since)));
      if (found.length === 0) return [];
      const done = await deps.db
        .select({ key: processedRequests.key })
        .from(processedRequests)
        .where(inArray(processedRequests.key, found.map((d) => deliveryRecordKey(d.guid))));
      const processed = new Set(done.map((r) => r.key));
      return found.filter((d) => !processed.has(deliveryRecordKey(d.guid)));
    },

    async redeliverGitHubDelivery(delivery: FailedDelivery): Promise<void> {
      const what = `redelivering ${delivery.event} delivery ${delivery.guid}`;
      const { hook } = delivery;
      if (hook.kind === 'app') {
        const app = requireApp(deps.api);
        await github(what, () => app.request('POST /app/hook/deliveries/{delivery_id}/attempts', { delivery_id: delivery.deliveryId }));
        return;
      }
      const { owner, name } = splitRepo(hook.repo);
      const client = await deps.api.forRepo(hook.repo);
      await github(what, () =>
        client.request('POST /repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts', { owner, repo: name, hook_id: hook.hookId, delivery_id: delivery.deliveryId }),
      );
    },
  };
}

export type GitHubRedeliveryActivities = ReturnType<typeof createGitHubRedeliveryActivities>;

function requireApp(api: GitHubApi): GitHubOctokit {
  const app = api.asApp();
  if (!app) throw new Error('App hook deliveries need GitHub App credentials');
  return app;
}

async function hookTargets(deps: RedeliveryDeps): Promise<HookTarget[]> {
  if (deps.api.auth === 'app') return [{ kind: 'app' }];
  if (!deps.webhookUrl) return [];
  const repos = [...new Set(Object.values(deps.policy().services).map((s) => s.repo))];
  const targets: HookTarget[] = [];
  for (const repo of repos) {
    const { owner, name } = splitRepo(repo);
    const client = await deps.api.forRepo(repo);
    const hooks = await github(`listing hooks of ${repo}`, () => client.rest.repos.listWebhooks({ owner, repo: name, per_page: 100 })).catch((err: unknown) => {
      // Listing hooks needs admin rights; a repository the token cannot administer is skipped.
      if (httpStatus(err) === 403 || httpStatus(err) === 404) return undefined;
      throw err;
    });
    const ours = hooks?.data.find((h) => h.config.url?.replace(/\/+$/, '') === deps.webhookUrl);
    if (ours) targets.push({ kind: 'repo', repo, hookId: ours.id });
  }
  return targets;
}

/** Newest first, following GitHub's cursor pages until the window is passed. */
async function recentDeliveries(api: GitHubApi, hook: HookTarget, since: number): Promise<Delivery[]> {
  const client = hook.kind === 'app' ? requireApp(api) : await api.forRepo(hook.repo);
  const route = hook.kind === 'app' ? 'GET /app/hook/deliveries' : 'GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries';
  const params = hook.kind === 'app' ? { per_page: 100 } : { ...repoParams(hook.repo), hook_id: hook.hookId, per_page: 100 };
  const all: Delivery[] = [];
  let pages = 0;
  try {
    for await (const page of client.paginate.iterator(route as 'GET /app/hook/deliveries', params)) {
      const deliveries = page.data as Delivery[];
      all.push(...deliveries.filter((d) => Date.parse(d.delivered_at) >= since));
      if (++pages >= MAX_PAGES || deliveries.some((d) => Date.parse(d.delivered_at) < since)) break;
    }
  } catch (err) {
    throw toActivityFailure(err, 'listing hook deliveries');
  }
  return all;
}

function repoParams(repo: string) {
  const { owner, name } = splitRepo(repo);
  return { owner, repo: name };
}

function failedOnly(hook: HookTarget, deliveries: Delivery[]): FailedDelivery[] {
  const byGuid = new Map<string, Delivery[]>();
  for (const d of deliveries) byGuid.set(d.guid, [...(byGuid.get(d.guid) ?? []), d]);
  const failed: FailedDelivery[] = [];
  for (const [guid, attempts] of byGuid) {
    if (attempts.some((a) => a.status_code >= 200 && a.status_code < 300)) continue;
    const latest = attempts.reduce((a, b) => (Date.parse(b.delivered_at) > Date.parse(a.delivered_at) ? b : a));
    failed.push({ hook, deliveryId: latest.id, guid, event: latest.event, deliveredAt: latest.delivered_at });
  }
  return failed;
}
