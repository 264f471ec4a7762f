// How a sandbox replaces the values of one column copied from a source table. The strategies are
// implemented by the sandbox activities; here they are only named, so a typo fails at start.

import { z } from 'zod';
import { expectedGot } from './values.js';

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
