// Deciding each column's fate before any data moves: fail closed on what looks sensitive, spread
// tokenization along foreign keys, and order the DDL so data can land before the constraints.

import { describe, expect, it } from 'vitest';
import { postDataStatements, preDataStatements } from '../../domain/sandbox/ddl.js';
import { planMasking, SandboxPlanError } from '../../domain/sandbox/plan.js';
import type { SandboxRules, SchemaInfo, TableInfo } from '../../domain/sandbox/types.js';
import { createRedactor } from '../../domain/redact.js';

function table(name: string, columns: [string, string][], extra: Partial<TableInfo> = {}): TableInfo {
  return {
    schema: 'public',
    name,
    qualified: `public.${name}`,
    columns: columns.map(([n, t]) => ({ name: n, type: t, baseType: t, notNull: false })),
    primaryKey: ['id'],
    constraints: [{ name: `${name}_pkey`, kind: 'primary', definition: 'PRIMARY KEY (id)' }],
    foreignKeys: [],
    indexes: [],
    ...extra,
  };
}

const schema: SchemaInfo = {
  schemas: ['public'],
  enums: [],
  sequences: [{ qualified: 'public.users_id_seq', options: 'AS integer', ownedBy: 'public.users.id' }],
  tables: [
    table('users', [['id', 'int4'], ['email', 'text'], ['bio', 'text'], ['plan', 'text']]),
    table('orders', [['id', 'int4'], ['user_id', 'int4'], ['total', 'numeric']], {
      foreignKeys: [{ name: 'orders_user_fk', columns: ['user_id'], refTable: 'public.users', refColumns: ['id'], definition: 'FOREIGN KEY (user_id) REFERENCES public.users(id)' }],
    }),
  ],
};
const samples = { 'public.users': { bio: ['likes tea', 'mail me at zed@mail.example.org'], plan: ['free', 'pro'] } };
const plan = (rules: SandboxRules['masking']) => planMasking({ schema, rules: { subset: {}, masking: rules }, samples, redactor: createRedactor() });
const problems = (rules: SandboxRules['masking']) => {
  try {
    plan(rules);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxPlanError);
    return (error as SandboxPlanError).problems;
  }
};

describe('the masking plan', () => {
  it('names every unruled sensitive column, by name and by content', () => {
    expect(problems({})).toEqual([
      expect.stringMatching(/^Column public\.users\.email looks sensitive \(its name contains "email"\).*sandboxes\.sources\.<name>\.masking\.users\.email/),
      expect.stringMatching(/^Column public\.users\.bio looks sensitive \(its values look like email\)/),
    ]);
  });

  it('spreads tokenization along foreign keys and keeps harmless columns', () => {
    const p = plan({ users: { id: 'tokenize', email: 'email', bio: 'null' } });
    expect(p['public.orders']!.user_id).toEqual({ rule: 'tokenize', why: 'foreign key public.users.id' });
    expect(p['public.users']!.plan).toEqual({ rule: 'keep', why: 'not sensitive' });
  });

  it('refuses masks that would break a join or do not fit the type', () => {
    const found = problems({ users: { email: 'email', bio: 'null', id: 'noise' }, orders: { total: 'card' } });
    expect(found).toContain('Column public.users.id is part of a key; only tokenize or keep preserve its joins.');
    expect(found).toContain('Column public.orders.total: card cannot mask a column of type numeric.');
  });
});

describe('tokenized joins', () => {
  it('refuses tokenizing columns that join across integer widths', () => {
    const wide = { ...schema, tables: schema.tables.map((t) => (t.name === 'orders' ? { ...t, columns: t.columns.map((c) => (c.name === 'user_id' ? { ...c, baseType: 'int8', type: 'int8' } : c)) } : t)) };
    const run = () => planMasking({ schema: wide, rules: { subset: {}, masking: { users: { id: 'tokenize', email: 'email', bio: 'null' } } }, samples, redactor: createRedactor() });
    expect(run).toThrow(/Columns public\.orders\.user_id, public\.users\.id join but have different types \(int8, int4\)|\(int4, int8\)/);
  });
});

describe('DDL order', () => {
  it('creates bare tables first and keys, foreign keys and sequence positions after the data', () => {
    const pre = preDataStatements(schema).join('\n');
    expect(pre).toContain('CREATE TABLE "public"."orders" ("id" int4, "user_id" int4, "total" numeric)');
    expect(pre).not.toMatch(/PRIMARY KEY|REFERENCES/);
    const post = postDataStatements(schema);
    const fk = post.findIndex((s) => s.includes('FOREIGN KEY'));
    expect(fk).toBeGreaterThan(post.findIndex((s) => s.includes('PRIMARY KEY')));
    expect(post.at(-1)).toMatch(/^SELECT setval\('"public"\."users_id_seq"', coalesce\(max\("id"\), 1\)/);
  });
});
