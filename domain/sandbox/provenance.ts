// The provenance record of a sandbox and the reproduction playbook built from it. What is in the
// record is enough to rebuild the same content: the source and its snapshot time, the schema and
// policy hashes, the seed and the rules; the content hash proves a rebuild matches.

import { formatDuration } from '../duration.js';
import type { TimelineEntry } from '../timeline.js';

export interface SandboxProvenance {
  sandbox: string;
  incident: string;
  source: { name: string; database: string; server: string };
  snapshotAt: string;
  schemaHash: string;
  policyHash: string;
  seed: number;
  release?: { ref: string; sha?: string };
  /** Flag states when the incident started; filled once flag snapshots exist. */
  flags?: Record<string, unknown>;
  rowCounts: Record<string, number>;
  rules: Record<string, Record<string, string>>;
  contentHash: string;
  requester: string;
  ttlSeconds: number;
  recreatedFrom?: string;
}

export function describeProvenance(p: SandboxProvenance): string {
  const rows = Object.values(p.rowCounts).reduce((a, b) => a + b, 0);
  return [
    `Source \`${p.source.name}\` (${p.source.database}) at snapshot ${p.snapshotAt}`,
    `${rows} rows in ${Object.keys(p.rowCounts).length} tables, seed ${p.seed}${p.release ? `, release ${p.release.ref}${p.release.sha ? ` (${p.release.sha.slice(0, 12)})` : ''}` : ''}`,
    `content ${p.contentHash.slice(0, 16)}…, schema ${p.schemaHash.slice(0, 12)}…, policy ${p.policyHash.slice(0, 12)}…`,
  ].join('; ');
}

export interface PlaybookInput {
  provenance: SandboxProvenance;
  /** Where to connect, without the password (that arrives by DM only). */
  connection: { host: string; database: string; role: string };
  expiresAt: string;
  incidentTitle: string;
  hypothesis?: string;
  timeline: TimelineEntry[];
}

/** The reproduction playbook: posted to the incident's timeline and issue. Holds no secret. */
export function renderPlaybook(i: PlaybookInput): string {
  const p = i.provenance;
  const tables = Object.entries(p.rowCounts).map(([t, n]) => `| ${t} | ${n} | ${Object.entries(p.rules[t] ?? {}).map(([c, r]) => `${c}: ${r}`).join(', ') || '—'} |`);
  return [
    `# Reproduction playbook: ${p.sandbox} for ${p.incident}`,
    `${i.incidentTitle}`,
    '',
    '## Connect',
    `\`psql "postgres://${i.connection.role}@${i.connection.host}/${i.connection.database}"\` (password sent to ${p.requester} by private message; valid until ${i.expiresAt})`,
    '',
    '## Provenance',
    `- Source: ${p.source.name} (${p.source.database} on ${p.source.server}), snapshot ${p.snapshotAt}`,
    `- Seed ${p.seed}; TTL ${formatDuration(p.ttlSeconds)}${p.release ? `; release ${p.release.ref}${p.release.sha ? ` @ ${p.release.sha}` : ''}` : ''}`,
    `- Schema hash \`${p.schemaHash}\`, policy hash \`${p.policyHash}\``,
    `- Content hash \`${p.contentHash}\``,
    '',
    '| table | rows | masking |',
    '|---|---|---|',
    ...tables,
    '',
    '## Recreate',
    `\`/incident sandbox recreate ${p.sandbox}\` rebuilds it with the same seed and policy; the same content hash means the same data.`,
    '',
    '## Hypothesis',
    i.hypothesis ?? '_None recorded yet; add one with `note`._',
    '',
    '## Timeline so far',
    ...i.timeline.slice(-15).map((e) => `- ${e.at} ${e.kind}: ${e.text.split('\n')[0]}`),
  ].join('\n');
}
