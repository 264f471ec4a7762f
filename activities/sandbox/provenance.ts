// The parts of a sandbox's provenance record that only the outside world knows: the commit a
// `release:REF` pointed at (from GitHub) and the flag states at the incident's start (the
// declaration-time snapshot). They are added where the record is stored, so the workflow and its
// existing histories stay as they are, and they are metadata: the content hash never covers them.

import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { listFlagSnapshots } from '../../db/queries/flags.js';
import { incidents } from '../../db/schema/index.js';
import type { Policy } from '../../domain/policy/index.js';
import type { SandboxProvenance } from '../../domain/sandbox/provenance.js';

/** The commit SHA of a ref in a repository, or undefined when the ref is unknown there. */
export type ReleaseResolver = (repo: string, ref: string) => Promise<string | undefined>;

export interface FlagState {
  enabled: boolean | null;
  provider: string;
  service: string;
  takenAt: string;
  error?: string;
}

export interface ProvenanceSources {
  db: Database;
  policy: () => Policy;
  resolveRelease?: ReleaseResolver;
}

/** `flag@environment` → its state when the incident was declared; empty without a flag provider. */
export async function flagStatesAtStart(db: Database, incident: string): Promise<Record<string, FlagState>> {
  const rows = await listFlagSnapshots(db, incident);
  return Object.fromEntries(
    rows.map((r) => [`${r.flag}@${r.environment}`, { enabled: r.enabled, provider: r.provider, service: r.service, takenAt: r.takenAt.toISOString(), ...(r.error ? { error: r.error } : {}) }]),
  );
}

/** The repository of the incident's first service that has one: where its releases are tagged. */
async function releaseRepo(src: ProvenanceSources, incident: string): Promise<string | undefined> {
  const [row] = await src.db.select({ services: incidents.services }).from(incidents).where(eq(incidents.key, incident));
  const services = src.policy().services;
  return (row?.services ?? []).map((s) => services[s]?.repo).find((r) => r !== undefined);
}

export async function completeProvenance(src: ProvenanceSources, p: SandboxProvenance): Promise<SandboxProvenance> {
  const flags = await flagStatesAtStart(src.db, p.incident);
  let release = p.release;
  if (release && !release.sha && src.resolveRelease) {
    const repo = await releaseRepo(src, p.incident);
    // GitHub being down must not keep a built sandbox from being ready: the ref alone is recorded.
    const sha = repo ? await src.resolveRelease(repo, release.ref).catch(() => undefined) : undefined;
    if (sha) release = { ...release, sha };
  }
  return { ...p, ...(release ? { release } : {}), flags };
}

/** Lines the workflow-rendered playbook cannot know, placed before its "Recreate" section. */
export function withProvenanceExtras(markdown: string, p: SandboxProvenance | null | undefined): string {
  if (!p) return markdown;
  const flags = Object.entries(p.flags ?? {}).map(([name, s]) => `${name}: ${describeFlag(s)}`);
  const extra = [
    ...(p.release ? [`- Release ${p.release.ref}: ${p.release.sha ? `commit \`${p.release.sha}\`` : 'commit not resolved'}`] : []),
    `- Flags at the incident's start: ${flags.length ? flags.join(', ') : 'none recorded'}`,
  ];
  const at = markdown.indexOf('\n## Recreate');
  return at < 0 ? `${markdown}\n${extra.join('\n')}` : `${markdown.slice(0, at)}\n${extra.join('\n')}\n${markdown.slice(at)}`;
}

function describeFlag(state: unknown): string {
  const s = state as Partial<FlagState>;
  return s.enabled === true ? 'on' : s.enabled === false ? 'off' : `unknown${s.error ? ` (${s.error})` : ''}`;
}
