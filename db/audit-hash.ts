import { createHash } from 'node:crypto';
import type { AuditCheckpointHeadRow, AuditCheckpointRow, AuditRow } from './schema/index.js';

export const GENESIS_HASH = '0'.repeat(64);
/** Every row written before chains per incident, linked as it was: one chain, hashed the old way. */
export const LEGACY_CHAIN = 'legacy';
/** Entries that belong to no incident (retention reports, alert groups not yet declared). */
export const GLOBAL_CHAIN = 'global';
const INCIDENT_KEY = /^INC-[1-9][0-9]*$/;

/** JSON with sorted keys, so the hash does not depend on how jsonb reorders an object. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The chain an entry joins: the incident it belongs to (its subject `INC-N`, or the incident named by
 * the entry or its details, as a grant's or a sandbox's entries do), else the global chain.
 */
export function auditChainOf(entry: { subject: string; incident?: string | undefined; details: Record<string, unknown> }): string {
  for (const candidate of [entry.subject, entry.incident, entry.details.incident]) {
    if (typeof candidate === 'string' && INCIDENT_KEY.test(candidate)) return candidate;
  }
  return GLOBAL_CHAIN;
}

const sha256 = (material: string) => createHash('sha256').update(material).digest('hex');

/**
 * Legacy rows keep the hash they were written with (the chain position was then the row's seq);
 * rows of every other chain also hash their chain and their id, so moving a row to another chain
 * or renumbering it shows.
 */
export function auditRowHash(row: Omit<AuditRow, 'hash'>): string {
  const content = [row.at.toISOString(), canonicalJson(row.actor), row.action, row.subject, canonicalJson(row.details), row.idempotencyKey];
  if (row.chain === LEGACY_CHAIN) return sha256([row.prevHash, String(row.chainSeq), ...content].join('\n'));
  return sha256([row.prevHash, row.chain, String(row.chainSeq), String(row.seq), ...content].join('\n'));
}

export type SealedHead = Pick<AuditCheckpointHeadRow, 'chain' | 'chainSeq' | 'hash'>;

/** A checkpoint's hash: the one before it, its own fields and every head it seals, sorted by chain. */
export function checkpointHash(checkpoint: Omit<AuditCheckpointRow, 'hash'>, heads: readonly SealedHead[]): string {
  const sorted = [...heads].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0)).map((h) => [h.chain, h.chainSeq, h.hash]);
  return sha256([checkpoint.prevHash, String(checkpoint.seq), checkpoint.sealedAt.toISOString(), checkpoint.idempotencyKey, String(checkpoint.chains), canonicalJson(sorted)].join('\n'));
}
