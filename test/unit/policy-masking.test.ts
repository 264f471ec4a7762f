// Masking rules belong to a sandbox source: two sources whose tables share a name but not their
// columns live in one policy, and each clone is planned with its own source's rules only.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyError } from '../../domain/policy/index.js';
import { maskingPathOf, planMasking, SandboxPlanError } from '../../domain/sandbox/plan.js';
import type { SchemaInfo } from '../../domain/sandbox/types.js';
import { createRedactor } from '../../domain/redact.js';

const fixtureText = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');

/** The fixture with its sandboxes section replaced by `section` (which starts `sandboxes:`). */
function withSandboxes(section: string): string {
  const start = fixtureText.indexOf('\nsandboxes:\n');
  const end = fixtureText.indexOf('\npostmortems:\n');
  if (start < 0 || end < 0) throw new Error('fixture has no sandboxes section before postmortems');
  return `${fixtureText.slice(0, start + 1)}${section}${fixtureText.slice(end)}`;
}

const TWO_SOURCES = `sandboxes:
  sources:
    primary:
      url: env:SHOP_REPLICA_URL
      masking:
        accounts:
          email: email
          nickname: name
    ledger:
      url: env:LEDGER_REPLICA_URL
      masking:
        accounts:
          iban: tokenize
          balance: noise
  defaultTtl: 30s
  maxTtl: 120s
`;

function accounts(columns: [string, string][]): SchemaInfo {
  return {
    schemas: ['public'],
    enums: [],
    sequences: [],
    tables: [
      {
        schema: 'public',
        name: 'accounts',
        qualified: 'public.accounts',
        columns: columns.map(([name, type]) => ({ name, type, baseType: type, notNull: false })),
        primaryKey: ['id'],
        constraints: [],
        foreignKeys: [],
        indexes: [],
      },
    ],
  };
}
const shopSchema = accounts([['id', 'int4'], ['email', 'text'], ['nickname', 'text']]);
const ledgerSchema = accounts([['id', 'int4'], ['iban', 'text'], ['balance', 'numeric']]);

function errorOf(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('expected parsePolicy to throw');
}

describe('masking rules keyed per source', () => {
  const policy = parsePolicy(withSandboxes(TWO_SOURCES), 'policy.yaml');
  const sources = policy.sandboxes!.sources;
  const plan = (schema: SchemaInfo, source: 'primary' | 'ledger') =>
    planMasking({ schema, rules: { subset: {}, masking: sources[source]!.masking }, maskingPath: maskingPathOf(source), samples: {}, redactor: createRedactor() });

  it('keeps two sources whose tables share a name apart', () => {
    expect(sources.primary).toEqual({ urlEnv: 'SHOP_REPLICA_URL', masking: { accounts: { email: 'email', nickname: 'name' } } });
    expect(sources.ledger).toEqual({ urlEnv: 'LEDGER_REPLICA_URL', masking: { accounts: { iban: 'tokenize', balance: 'noise' } } });
  });

  it("plans each source's clone with that source's rules", () => {
    expect(plan(shopSchema, 'primary')['public.accounts']).toEqual({
      id: { rule: 'keep', why: 'not sensitive' },
      email: { rule: 'email', why: 'policy' },
      nickname: { rule: 'name', why: 'policy' },
    });
    expect(plan(ledgerSchema, 'ledger')['public.accounts']).toEqual({
      id: { rule: 'keep', why: 'not sensitive' },
      iban: { rule: 'tokenize', why: 'policy' },
      balance: { rule: 'noise', why: 'policy' },
    });
  });

  it("never reads one source's rules against another's schema, and names the per-source key", () => {
    const refused = (() => {
      try {
        plan(ledgerSchema, 'primary');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(SandboxPlanError);
    expect((refused as SandboxPlanError).problems).toEqual(
      expect.arrayContaining([
        'The masking rules name column accounts.email, which the source does not have; fix sandboxes.sources.primary.masking.accounts.email.',
        expect.stringMatching(/^Column public\.accounts\.iban looks sensitive .* add sandboxes\.sources\.primary\.masking\.accounts\.iban to the policy/),
      ]),
    );
  });

  it('gives sources without rules none', () => {
    const text = TWO_SOURCES.replace(/ {6}masking:\n {8}accounts:\n {10}iban: tokenize\n {10}balance: noise\n/, '');
    expect(parsePolicy(withSandboxes(text), 'policy.yaml').sandboxes!.sources.ledger).toEqual({ urlEnv: 'LEDGER_REPLICA_URL', masking: {} });
  });
});

describe('policy files from before per-source rules', () => {
  const legacy = (sources: string) => `sandboxes:
  sources:
${sources}  defaultTtl: 30s
  maxTtl: 120s
  masking:
    accounts:
      email: email
`;

  it('move sandboxes.masking to the only source there is', () => {
    const policy = parsePolicy(withSandboxes(legacy('    primary: { url: env:SHOP_REPLICA_URL }\n')), 'policy.yaml');
    expect(policy.sandboxes!.sources.primary).toEqual({ urlEnv: 'SHOP_REPLICA_URL', masking: { accounts: { email: 'email' } } });
    expect(policy.sandboxes).not.toHaveProperty('masking');
  });

  it('are refused, naming the key, when several sources could be meant', () => {
    const text = withSandboxes(legacy('    primary: { url: env:SHOP_REPLICA_URL }\n    ledger: { url: env:LEDGER_REPLICA_URL }\n'));
    expect(errorOf(text)).toBe('policy.yaml: sandboxes.masking: masking rules are kept per source; move them under sandboxes.sources.<name>.masking for each of primary, ledger');
  });

  it('are refused when the only source has rules of its own too', () => {
    const text = withSandboxes(legacy('    primary:\n      url: env:SHOP_REPLICA_URL\n      masking: { accounts: { email: keep } }\n'));
    expect(errorOf(text)).toBe('policy.yaml: sandboxes.masking: masking rules are given both here and under sandboxes.sources.primary.masking; keep only the per-source ones');
  });
});
