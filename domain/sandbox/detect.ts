// Fail closed: a column that looks like it holds personal data and has no masking rule stops
// provisioning. Two detectors, either is enough: the column's name or type, and its content run
// through the same redactor that guards Slack and GitHub. Content is judged twice: a sample before
// anything is created (so most refusals come early and all at once), then every value the copy
// writes unmasked, as it streams (content-check.ts), so a value past the sample cannot slip through.

import type { Redactor } from '../redact.js';
import type { ColumnInfo } from './types.js';

const SENSITIVE_NAME = new RegExp(
  [
    'e_?mail', 'phone', 'mobile', 'fax', 'ssn', 'social_?sec', 'passport', 'licen[cs]e_?(no|num)', 'tax_?id', 'national_?id',
    '(^|_)(first|last|full|middle|given|family|sur|user|display|maiden)_?name$', '^name$', 'surname',
    'address', 'street', 'zip', 'postal', 'postcode', 'city',
    '(^|_)ip($|_)', 'ip_?addr', 'user_?agent', '(^|_)lat(itude)?$', '(^|_)(lon|lng|longitude)$',
    'card', 'iban', 'account_?(no|num)', 'routing_?(no|num)', 'cvv',
    'dob', 'birth', 'gender', 'salary', 'password', 'passwd', 'secret', 'token', 'api_?key', 'credential',
  ].join('|'),
  'i',
);

// Types whose every value identifies a device or a network endpoint.
const SENSITIVE_TYPES = new Set(['inet', 'cidr', 'macaddr', 'macaddr8']);

export const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext', 'json', 'jsonb', 'xml', 'name']);

/** Why a column looks sensitive by its name or type, or undefined. */
export function sensitiveByName(column: ColumnInfo): string | undefined {
  if (SENSITIVE_TYPES.has(column.baseType)) return `its type is ${column.baseType}`;
  const m = SENSITIVE_NAME.exec(column.name);
  return m ? `its name contains "${m[0]}"` : undefined;
}

const KIND = /\[REDACTED:([A-Za-z0-9_.-]+)(?:#[0-9a-f]+)?\]/;

/** Why sampled values look sensitive (the first value the redactor changes), or undefined. */
export function sensitiveByContent(samples: readonly string[], redactor: Redactor): string | undefined {
  for (const value of samples) {
    const redacted = redactor.redact(value);
    if (redacted !== value) return `its values look like ${KIND.exec(redacted)?.[1] ?? 'personal data'}`;
  }
  return undefined;
}
