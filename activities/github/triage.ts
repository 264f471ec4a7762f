// Triage context from the affected services' repositories: what was deployed, released and merged
// shortly before the incident was declared. Short lines only; the caller redacts them.

import type { Policy } from '../../domain/policy/index.js';
import type { TriageSource } from '../triage.js';
import type { TriageContextInput } from '../../workflows/incident/messages.js';
import { github, httpStatus, type GitHubApi } from './client.js';
import { splitRepo } from '../../domain/github/refs.js';

/** Used when no window is given; the policy's `incidents.contextWindow` defaults to the same six hours. */
export const DEFAULT_CONTEXT_WINDOW_SECONDS = 6 * 3600;
const PER_KIND = 10;

export interface RepoChanges {
  repo: string;
  deployments: { id: number; environment: string; ref: string; sha: string; createdAt: string; creator?: string }[];
  releases: { tag: string; name?: string; publishedAt: string }[];
  mergedPulls: { number: number; title: string; mergedAt: string; author?: string }[];
}

export function githubTriageSource(deps: { api: GitHubApi; policy: () => Policy; windowSeconds?: number }): TriageSource {
  return {
    name: 'github',
    async gather(input: TriageContextInput) {
      const policy = deps.policy();
      const repos = [...new Set(input.services.map((s) => policy.services[s]?.repo).filter((r): r is string => !!r))];
      if (repos.length === 0) return undefined;
      const until = Date.parse(input.declaredAt);
      const since = until - (deps.windowSeconds ?? DEFAULT_CONTEXT_WINDOW_SECONDS) * 1000;
      // One unreachable repository (renamed, no access) must not hide what the others show.
      const results = await Promise.all(repos.map((repo) => repoChanges(deps.api, repo, since, until).catch((err: unknown) => ({ repo, error: errorText(err) }))));
      const changes = results.filter((r): r is RepoChanges => !('error' in r));
      const failed = results.filter((r): r is { repo: string; error: string } => 'error' in r);
      return {
        lines: [...changes.flatMap(describe), ...failed.map((f) => `${f.repo}: unavailable (${f.error})`)],
        details: { repos: changes, unavailable: failed },
      };
    },
  };
}

const within = (iso: string | null | undefined, since: number, until: number): iso is string =>
  !!iso && Date.parse(iso) >= since && Date.parse(iso) <= until;

async function repoChanges(api: GitHubApi, repo: string, since: number, until: number): Promise<RepoChanges> {
  const { owner, name } = splitRepo(repo);
  const client = await api.forRepo(repo);
  const [deployments, releases, pulls] = await Promise.all([
    github(`deployments of ${repo}`, () => client.rest.repos.listDeployments({ owner, repo: name, per_page: 30 })),
    github(`releases of ${repo}`, () => client.rest.repos.listReleases({ owner, repo: name, per_page: 20 })),
    github(`pull requests of ${repo}`, () => client.rest.pulls.list({ owner, repo: name, state: 'closed', sort: 'updated', direction: 'desc', per_page: 50 })),
  ]);
  return {
    repo,
    deployments: deployments.data
      .filter((d) => within(d.created_at, since, until))
      .slice(0, PER_KIND)
      .map((d) => ({ id: d.id, environment: d.environment, ref: d.ref, sha: d.sha, createdAt: d.created_at, creator: d.creator?.login })),
    releases: releases.data
      .filter((r) => !r.draft && within(r.published_at, since, until))
      .slice(0, PER_KIND)
      .map((r) => ({ tag: r.tag_name, name: r.name ?? undefined, publishedAt: r.published_at! })),
    mergedPulls: pulls.data
      .filter((p) => within(p.merged_at, since, until))
      .slice(0, PER_KIND)
      .map((p) => ({ number: p.number, title: p.title, mergedAt: p.merged_at!, author: p.user?.login })),
  };
}

const hhmm = (iso: string) => `${iso.slice(11, 16)}Z`;

function describe(c: RepoChanges): string[] {
  const lines: string[] = [];
  if (c.deployments.length) {
    lines.push(`${c.repo} deployments: ${c.deployments.map((d) => `${d.ref}@${d.sha.slice(0, 7)} to ${d.environment} at ${hhmm(d.createdAt)}`).join('; ')}`);
  }
  if (c.releases.length) lines.push(`${c.repo} releases: ${c.releases.map((r) => `${r.tag} at ${hhmm(r.publishedAt)}`).join('; ')}`);
  if (c.mergedPulls.length) {
    lines.push(`${c.repo} merged PRs: ${c.mergedPulls.map((p) => `#${p.number} ${p.title.slice(0, 80)} (${p.author ?? '?'}, ${hhmm(p.mergedAt)})`).join('; ')}`);
  }
  if (lines.length === 0) lines.push(`${c.repo}: no deployments, releases or merged PRs in the window`);
  return lines;
}

function errorText(err: unknown): string {
  const status = httpStatus(err);
  return status ? `GitHub answered ${status}` : err instanceof Error ? err.message : String(err);
}
