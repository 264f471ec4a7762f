// Redaction for everything that leaves the system: Slack, GitHub, logs, postmortems, the dashboard
// (DESIGN.md §5). Sensitive spans become `[REDACTED:<kind>]`. Two promises hold whatever the input:
// it never throws (a failure yields a fully redacted marker, never the original text) and it is
// idempotent, so text can pass through several outbound layers without changing again.
//
// Within one incident a span becomes `[REDACTED:<kind>#<token>]` instead, the token a keyed hash of
// the incident key, the kind and the value: the same customer's e-mail is the same token in every
// message, note and document of that incident, so responders can still tell "the same address
// again" from "another one". Without the key nothing links a token to its value, and the incident
// key in the hash keeps tokens of different incidents from being matched against each other.

import { PII_RULES, SECRET_RULES, placeholder, plainMarker, regexRule, type Marker, type Rule } from './redact-patterns/index.js';
import { sipHashText, sipKey, type SipKey } from './hash/siphash.js';

export interface RedactionPattern {
  name: string;
  /** A regular-expression source, as written in the policy file. */
  pattern: string;
  flags?: string;
}

export interface Redactor {
  redact(text: string): string;
  /** A redacted copy of plain objects, arrays, Maps, Sets and Errors; the input is left untouched. */
  redactDeep<T>(value: T): T;
  /** The same redaction, with equal values inside `incidentKey`'s texts given equal tokens. */
  forIncident(incidentKey: string): Redactor;
}

export interface RedactorOptions {
  extraPatterns?: readonly RedactionPattern[];
  /**
   * At least 16 bytes keying the incident tokens. Without it the process key applies
   * (`setRedactionTokenKey`); every process that writes an incident's texts must use the same one.
   */
  tokenKey?: Uint8Array;
}

// Must accept every kind the rules emit, token or not, so redacted text is never redacted again.
const PLACEHOLDER = /\[REDACTED:[A-Za-z0-9_.-]{1,64}(?:#[0-9a-f]{8})?\]/g;
// Fail closed: if redaction itself breaks, nothing of the original may get out.
const UNREDACTABLE = placeholder('unredactable');
const SECRET = placeholder('secret');
const CIRCULAR = '[Circular]';
const TOO_DEEP = '[Truncated]';
const MAX_DEPTH = 32;
// Replacing a span can expose a neighbour to a rule that ran earlier in the pass (a boundary that
// was a letter is now a placeholder), so passes repeat until nothing changes. Each changing pass
// removes at least one unredacted character, so this converges; two passes are the common case.
const MAX_PASSES = 8;

/**
 * Keys whose values are secrets whatever they look like. Substring match on purpose: `accessToken`,
 * `DB_PASSWORD`, `x-api-key`, `set-cookie`. Over-matching (`tokenCount`) only costs a log field.
 */
const SECRET_KEY = /pass(?:wd|word|phrase)|secret|token|api[-_]?key|authori[sz]ation|private[-_]?key|cookie|credential/i;

function compileExtra(extra: RedactionPattern): Rule {
  const given = String(extra?.name ?? '');
  const fail = (why: string): never => {
    throw new Error(`redaction pattern "${given}": ${why}`);
  };
  // Names end up inside placeholders, which must stay recognisable as such (see PLACEHOLDER).
  const name = given.trim().replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  if (name === '') fail('name must contain a letter or digit');
  if (typeof extra.pattern !== 'string' || extra.pattern === '') fail('pattern must be a non-empty string');
  const flags = extra.flags ?? '';
  if (typeof flags !== 'string' || !/^[dgimsuvy]*$/.test(flags)) fail(`unsupported flags "${String(flags)}"`);
  let probe: RegExp | undefined;
  try {
    // Every pattern scans the whole text: `g` is implied and `y` (anchor at the last match) dropped.
    probe = new RegExp(extra.pattern, flags.replace(/[gy]/g, ''));
  } catch (err) {
    fail(`invalid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (probe?.test('')) fail('pattern matches the empty string');
  return regexRule(name, probe ?? /$^/);
}

/** Applies `fn` to the text between placeholders, so no rule ever rewrites a placeholder. */
function outsidePlaceholders(text: string, fn: (segment: string) => string): string {
  if (!text.includes('[REDACTED:')) return fn(text);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    out += fn(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + fn(text.slice(last));
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function define(target: object, key: string, value: unknown, enumerable = true): void {
  // defineProperty, not assignment: a `__proto__` key must stay a key, not swap the prototype.
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true });
}

function read(source: object, key: string): unknown {
  try {
    return (source as Record<string, unknown>)[key];
  } catch {
    return UNREDACTABLE;
  }
}

/** Secret-named fields: the value goes whatever its type; absence and flags say nothing. */
function secretValue(value: unknown): unknown {
  return value === null || value === undefined || typeof value === 'boolean' ? value : SECRET;
}

/** Spellings of one value that people would call the same: `A@x.io` and `a@x.io`, `+1 555…` and `+1555…`. */
function canonicalValue(kind: string, value: string): string {
  switch (kind) {
    case 'email':
    case 'ipv6':
      return value.toLowerCase();
    case 'phone':
    case 'card':
      return value.replace(/\D/g, '');
    default:
      return value;
  }
}

function tokenMarker(key: SipKey, incidentKey: string): Marker {
  const out = new Uint8Array(16);
  return (kind, value) => {
    const digest = sipHashText(key, `firebreak-redaction\0${incidentKey}\0${kind}`, canonicalValue(kind, value), out);
    let hex = '';
    for (let i = 0; i < 4; i++) hex += (digest[i] ?? 0).toString(16).padStart(2, '0');
    return `[REDACTED:${kind}#${hex}]`;
  };
}

function tokenSipKey(given: Uint8Array): SipKey {
  if (given.length < 16) throw new Error('the redaction token key must be at least 16 bytes');
  // SipHash takes 16 key bytes: 128 bits of a random key are all it can use.
  return sipKey(given.subarray(0, 16));
}

let processTokenKey: SipKey | undefined;

/**
 * Sets the key every redactor of this process uses for incident tokens unless given its own. Called
 * once at start-up from the configuration (platform/redaction-key.ts); until then, and in processes
 * that never call it, a random key is drawn on first use.
 */
export function setRedactionTokenKey(key: Uint8Array): void {
  processTokenKey = tokenSipKey(key);
}

function currentProcessKey(): SipKey {
  return (processTokenKey ??= tokenSipKey(globalThis.crypto.getRandomValues(new Uint8Array(16))));
}

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const rules: readonly Rule[] = [...SECRET_RULES, ...(options.extraPatterns ?? []).map(compileExtra), ...PII_RULES];
  const own = options.tokenKey && tokenSipKey(options.tokenKey);
  return build(rules, plainMarker, (incidentKey) => build(rules, tokenMarker(own ?? currentProcessKey(), incidentKey)));
}

function build(rules: readonly Rule[], mark: Marker, scoped?: (incidentKey: string) => Redactor): Redactor {
  const redactOnce = (text: string): string => {
    let current = text;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let next = current;
      for (const rule of rules) next = outsidePlaceholders(next, (segment) => rule.apply(segment, mark));
      if (next === current) break;
      current = next;
    }
    return current;
  };

  const redact = (text: string): string => {
    try {
      return redactOnce(typeof text === 'string' ? text : String(text));
    } catch {
      return UNREDACTABLE;
    }
  };

  const walk = (value: unknown, depth: number, ancestors: Set<object>): unknown => {
    if (typeof value === 'string') return redact(value);
    if (typeof value !== 'object' || value === null) return value;
    if (ancestors.has(value)) return CIRCULAR;
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    // Binary data cannot be scanned meaningfully; dates and regexes hold nothing personal.
    if (value instanceof Date || value instanceof RegExp || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
    ancestors.add(value);
    try {
      const next = (v: unknown): unknown => walk(v, depth + 1, ancestors);
      const entry = (key: unknown, v: unknown): unknown => (typeof key === 'string' && SECRET_KEY.test(key) ? secretValue(v) : next(v));
      if (Array.isArray(value)) return value.map(next);
      if (value instanceof Map) {
        const out = new Map<unknown, unknown>();
        for (const [k, v] of value) out.set(next(k), entry(k, v));
        return out;
      }
      if (value instanceof Set) return new Set([...value].map(next));
      if (value instanceof Error) {
        // Same prototype, so `instanceof` and pino's error serializer still recognise it; message and
        // stack are own properties (non-enumerable) and get copied like the rest.
        const out = Object.create(Object.getPrototypeOf(value) as object) as object;
        for (const key of Object.getOwnPropertyNames(value)) {
          const enumerable = Object.getOwnPropertyDescriptor(value, key)?.enumerable ?? false;
          define(out, redact(key), entry(key, read(value, key)), enumerable);
        }
        return out;
      }
      if (!isPlainObject(value)) {
        // URLs and similar carry their outbound form in toJSON (a URL's includes its password).
        const toJSON = read(value, 'toJSON');
        if (typeof toJSON === 'function') return next((toJSON as () => unknown).call(value));
      }
      const out = Object.create(Object.getPrototypeOf(value) as object | null) as object;
      for (const key of Object.keys(value)) define(out, redact(key), entry(key, read(value, key)));
      return out;
    } finally {
      ancestors.delete(value);
    }
  };

  const redactor: Redactor = {
    redact,
    redactDeep<T>(value: T): T {
      try {
        return walk(value, 0, new Set()) as T;
      } catch {
        return UNREDACTABLE as T;
      }
    },
    // A scoped redactor scoped again keeps its incident: the first scope is the one the text is about.
    forIncident: (incidentKey) => (scoped ? scoped(incidentKey) : redactor),
  };
  return redactor;
}

const defaultRedactor = createRedactor();

export const redact = (text: string): string => defaultRedactor.redact(text);
export const redactDeep = <T>(value: T): T => defaultRedactor.redactDeep(value);
