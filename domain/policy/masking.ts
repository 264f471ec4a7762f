// How a sandbox replaces the values of one column copied from a source table. The strategies are
// implemented by the sandbox activities; here they are only named, so a typo fails at start.
//
// Rules belong to a source (`sandboxes.sources.<name>.masking.<table>.<column>`): two sources may
// both have a `users` table with different columns, and one source's rules must never be read
// against another's schema.

import { z } from 'zod';
import { expectedGot, identifier, matching } from './values.js';

export const MASK_STRATEGIES = ['keep', 'null', 'tokenize', 'email', 'phone', 'name', 'ip', 'card', 'noise', 'date-noise'] as const;
export type MaskStrategy = (typeof MASK_STRATEGIES)[number];
export type MaskRule = MaskStrategy | { constant: string | number | boolean | null };

function isMaskRule(value: unknown): value is MaskRule {
  if (typeof value === 'string') return (MASK_STRATEGIES as readonly string[]).includes(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const constant = (value as { constant?: unknown }).constant;
  return keys.length === 1 && keys[0] === 'constant' && (constant === null || ['string', 'number', 'boolean'].includes(typeof constant));
}

export const maskRule = z.custom<MaskRule>(isMaskRule, {
  error: (issue) => expectedGot(`one of ${MASK_STRATEGIES.join(', ')} or {constant: VALUE}`, issue.input),
});

const table = matching(identifier, 'a table name like "users" or "public.users"');
const column = matching(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, 'a column name');

/** One source's rules: table → column → rule. */
export const maskingRules = z.record(table, z.record(column, maskRule));
export type MaskingRules = z.output<typeof maskingRules>;

/**
 * Policy files written before rules were per source have `sandboxes.masking`. With exactly one
 * source the rules can only mean that source and move there; otherwise the key is an error that
 * says where the rules go now.
 */
export function legacyMaskingProblem(sources: Record<string, { masking: MaskingRules }>, legacy: MaskingRules | undefined): string | undefined {
  if (legacy === undefined) return undefined;
  const names = Object.keys(sources);
  if (names.length !== 1) {
    return `masking rules are kept per source; move them under sandboxes.sources.<name>.masking for each of ${names.length ? names.join(', ') : 'your sources'}`;
  }
  if (Object.keys(sources[names[0]!]!.masking).length > 0) {
    return `masking rules are given both here and under sandboxes.sources.${names[0]}.masking; keep only the per-source ones`;
  }
  return undefined;
}

/** The sources with legacy rules moved to the only source (after legacyMaskingProblem said yes). */
export function withLegacyMasking<S extends { masking: MaskingRules }>(sources: Record<string, S>, legacy: MaskingRules | undefined): Record<string, S> {
  if (legacy === undefined) return sources;
  return Object.fromEntries(Object.entries(sources).map(([name, s]) => [name, { ...s, masking: legacy }]));
}
