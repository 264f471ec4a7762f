// The sandbox engine against two real password-auth clusters: a source full of personal data and
// a sandbox server. Assertions read the sandbox's actual rows, log in with the issued credentials
// and look in the catalogs; nothing here trusts the engine's own report alone.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cloneSandbox } from '../../activities/sandbox/clone.js';
import type { CloneResult } from '../../workflows/sandbox/messages.js';
import { destroySandboxDatabase, issueCredentials } from '../../activities/sandbox/target.js';
import { luhnCheckDigit } from '../../domain/sandbox/formats.js';
import { SandboxPlanError } from '../../domain/sandbox/plan.js';
import { createRedactor } from '../../domain/redact.js';
import { SENSITIVE_COLUMNS, fixtureRules } from '../fixtures/sandbox/rules.js';
import { query, startSandboxClusters, type SandboxClusters } from '../helpers/sandbox-clusters.js';
import { isIP } from 'node:net';

let clusters: SandboxClusters;
const SECRET = 'sandbox-engine-test-secret';
const redactor = createRedactor();

beforeAll(async () => {
  clusters = await startSandboxClusters();
});
afterAll(async () => {
  await clusters?.stop();
});

function clone(sandboxId: string, seed: number, rules = fixtureRules()): Promise<CloneResult> {
  return cloneSandbox({ sandboxId, sourceUrl: clusters.sourceUrl, sandboxAdminUrl: clusters.sandbox.adminUrl, seed, secret: SECRET, rules, redactor });
}

const sandboxUrl = (database: string) => clusters.sandbox.urlFor(database);

/** Every user table of a sandbox, each row as its full text form (every column). */
async function rowsAsText(database: string): Promise<Map<string, string[]>> {
  const tables = await query<{ t: string }>(sandboxUrl(database), `SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema', '_firebreak') ORDER BY 1`);
  const out = new Map<string, string[]>();
  for (const { t } of tables) out.set(t, (await query<{ r: string }>(sandboxUrl(database), `SELECT x::text AS r FROM ${t} x ORDER BY 1`)).map((r) => r.r));
  return out;
}

async function originals(): Promise<string[]> {
  const values = new Set<string>();
  for (const [table, column] of SENSITIVE_COLUMNS) {
    const rows = await query<{ v: string }>(clusters.sourceUrl, `SELECT DISTINCT ${column}::text AS v FROM ${table} WHERE ${column} IS NOT NULL`);
    for (const { v } of rows) values.add(v);
  }
  return [...values];
}

async function countIn(database: string, table: string): Promise<number> {
  return Number((await query<{ n: string }>(sandboxUrl(database), `SELECT count(*) AS n FROM ${table}`))[0]!.n);
}

async function canConnect(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('a masked sandbox', () => {
  let first: CloneResult;
  beforeAll(async () => {
    first = await clone('SBX-1', 1);
  });

  it('contains no original sensitive value in any column of any table', async () => {
    const secrets = await originals();
    expect(secrets.length).toBeGreaterThan(2000);
    const tables = await rowsAsText(first.database);
    expect([...tables.keys()]).toHaveLength(8);
    for (const [table, rows] of tables) {
      const text = rows.join('\n');
      const leaked = secrets.filter((s) => text.includes(s));
      expect(leaked, `${table} leaks`).toEqual([]);
    }
    // The fixture's PII patterns are gone even where values were not listed one by one.
    const all = [...tables.values()].flat().join('\n');
    expect(all).not.toMatch(/realmail|acme-internal|Wexford|415\) 555|5105 1051|DE8937|203\.0\.113|2001:db8/);
  });

  it('keeps formats: addresses, names, phones, IPs and Luhn-valid test cards', async () => {
    const customers = await query<{ email: string; full_name: string; phone: string; ip: string; notes: string }>(
      sandboxUrl(first.database),
      'SELECT email, full_name, phone, host(ip_address) AS ip, notes FROM customers',
    );
    for (const c of customers) {
      expect(c.email).toMatch(/^u_[a-z2-7]{12}@example\.invalid$/);
      expect(c.full_name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(c.phone).toMatch(/^\+\d \(\d{3}\) \d{3}-\d{4}$/);
      expect(isIP(c.ip)).toBeGreaterThan(0);
      expect(c.ip.startsWith('10.') || c.ip.startsWith('fd')).toBe(true);
      expect(c.notes).toBe('[masked]');
    }
    const cards = await query<{ card_number: string }>(sandboxUrl(first.database), 'SELECT card_number FROM orders');
    for (const { card_number } of cards) {
      const digits = card_number.replace(/ /g, '');
      expect(card_number).toMatch(/^4000 00\d{2} \d{4} \d{4}$/);
      expect(luhnCheckDigit(digits.slice(0, -1))).toBe(Number(digits.at(-1)));
    }
    const bodies = await query<{ n: string }>(sandboxUrl(first.database), 'SELECT count(*) AS n FROM support_tickets WHERE body IS NOT NULL');
    expect(bodies[0]!.n).toBe('0');
  });

  it('resolves every foreign key, through the cycle and the self-reference, and honours the subset', async () => {
    const fks = await query<{ conname: string; convalidated: boolean }>(sandboxUrl(first.database), `SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f' ORDER BY 1`);
    expect(fks.map((f) => f.conname)).toEqual(
      expect.arrayContaining(['customers_referred_by_fk', 'employees_manager_id_fkey', 'orders_customer_id_fkey', 'payments_order_id_fkey', 'order_items_order_id_fkey']),
    );
    expect(fks).toHaveLength(8);
    expect(fks.every((f) => f.convalidated)).toBe(true);
    const orphans = await query<{ n: string }>(
      sandboxUrl(first.database),
      `SELECT (SELECT count(*) FROM customers c LEFT JOIN orders o ON o.id = c.referred_by_order_id WHERE c.referred_by_order_id IS NOT NULL AND o.id IS NULL)
            + (SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL)
            + (SELECT count(*) FROM employees e LEFT JOIN employees m ON m.id = e.manager_id WHERE e.manager_id IS NOT NULL AND m.id IS NULL)
            + (SELECT count(*) FROM events e LEFT JOIN customers c ON c.id = e.customer_id WHERE c.id IS NULL) AS n`,
    );
    expect(orphans[0]!.n).toBe('0');
    const orders = await countIn(first.database, 'orders');
    expect(orders).toBeGreaterThanOrEqual(100);
    expect(orders).toBeLessThan(900);
    // Employees above 30 plus their chain of managers up to employee 1.
    expect(await countIn(first.database, 'employees')).toBe(25);
    for (const [table, rows] of Object.entries(first.rowCounts)) expect(await countIn(first.database, table), table).toBe(rows);
    // Sequences continue after the copied rows, and the identity column still refuses explicit IDs.
    const next = await query<{ id: number }>(sandboxUrl(first.database), `INSERT INTO products (sku, title, price) VALUES ('SKU-NEW', 'New', 1) RETURNING id`);
    expect(next[0]!.id).toBe(51);
    await query(sandboxUrl(first.database), `DELETE FROM products WHERE sku = 'SKU-NEW'`);
    await expect(query(sandboxUrl(first.database), `INSERT INTO orders (id, customer_id, status, amount, created_at) VALUES (1, 1, 'paid', 1, now())`)).rejects.toThrow(/cannot insert a non-DEFAULT value into column "id"/);
  });

  it('is reproducible: the same seed gives the same content and hash, another seed another', async () => {
    const again = await clone('SBX-2', 1);
    const other = await clone('SBX-3', 2);
    expect(again.contentHash).toBe(first.contentHash);
    expect(again.rowCounts).toEqual(first.rowCounts);
    expect(await rowsAsText(again.database)).toEqual(await rowsAsText(first.database));
    expect(other.contentHash).not.toBe(first.contentHash);
    const emails = async (db: string) => (await query<{ email: string }>(sandboxUrl(db), 'SELECT email FROM customers ORDER BY email')).map((r) => r.email);
    const [a, b] = [await emails(first.database), await emails(other.database)];
    expect(a.filter((e) => b.includes(e))).toEqual([]);
    // Joins on masked keys still match across tables: customer IDs were tokenized consistently.
    const joined = await query<{ n: string }>(sandboxUrl(other.database), 'SELECT count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id');
    expect(Number(joined[0]!.n)).toBe(other.rowCounts['public.orders']);
    expect(first.rules['public.orders']?.customer_id).toBe('tokenize (foreign key public.customers.id)');
  });

  it('hands out credentials that reach only this sandbox, and expire', async () => {
    const validUntil = new Date(Date.now() + 3600_000);
    const creds = await issueCredentials(clusters.sandbox.adminUrl, 'SBX-1', validUntil);
    const rows = await query<{ n: string }>(creds.url, 'SELECT count(*) AS n FROM customers');
    expect(Number(rows[0]!.n)).toBe(first.rowCounts['public.customers']);
    await expect(query(creds.url, 'SELECT * FROM _firebreak.copy_progress')).rejects.toThrow(/permission denied/);
    const role = await query<{ rolvaliduntil: Date; rolsuper: boolean }>(clusters.sandbox.adminUrl, 'SELECT rolvaliduntil, rolsuper FROM pg_roles WHERE rolname = $1', [creds.role]);
    expect(Math.abs(role[0]!.rolvaliduntil.getTime() - validUntil.getTime())).toBeLessThan(1000);
    expect(role[0]!.rolsuper).toBe(false);
    const as = (url: string) => {
      const u = new URL(url);
      u.username = creds.role;
      u.password = creds.password;
      return u.toString();
    };
    expect(await canConnect(as(clusters.sourceUrl))).toMatch(/password authentication failed/);
    expect(await canConnect(as(clusters.source.adminUrl))).toMatch(/password authentication failed/);
    expect(await canConnect(as(clusters.sandbox.urlFor('postgres')))).toMatch(/permission denied for database/);
    expect(await canConnect(as(clusters.sandbox.urlFor('sandbox_sbx_2')))).toMatch(/permission denied for database/);
    expect(await canConnect(as(inject('databaseUrl')))).not.toBe('connected');
  });

  it('is gone after teardown: no database, no role, and a second teardown is harmless', async () => {
    const creds = await issueCredentials(clusters.sandbox.adminUrl, 'SBX-3', new Date(Date.now() + 60_000));
    const open = new pg.Client({ connectionString: creds.url });
    open.on('error', () => undefined);
    await open.connect();
    await destroySandboxDatabase(clusters.sandbox.adminUrl, 'SBX-3');
    await destroySandboxDatabase(clusters.sandbox.adminUrl, 'SBX-3');
    await open.end().catch(() => undefined);
    expect(await query(clusters.sandbox.adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', ['sandbox_sbx_3'])).toEqual([]);
    expect(await query(clusters.sandbox.adminUrl, 'SELECT 1 FROM pg_roles WHERE rolname = $1', ['sandbox_sbx_3'])).toEqual([]);
    expect(await canConnect(creds.url)).not.toBe('connected');
  });
});

describe('fail closed', () => {
  it('refuses a sensitive column without a rule, naming it, before touching the sandbox server', async () => {
    const byName = fixtureRules();
    delete byName.masking.customers!.phone;
    await expect(clone('SBX-10', 1, byName)).rejects.toThrow(/public\.customers\.phone looks sensitive \(its name contains "phone"\)/);
    const byContent = fixtureRules();
    delete byContent.masking.support_tickets;
    const refused = await clone('SBX-11', 1, byContent).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SandboxPlanError);
    expect((refused as Error).message).toMatch(/public\.support_tickets\.body looks sensitive \(its values look like phone\)/);
    const created = await query(clusters.sandbox.adminUrl, `SELECT datname FROM pg_database WHERE datname IN ('sandbox_sbx_10', 'sandbox_sbx_11')`);
    expect(created).toEqual([]);
  });

  it('refuses rules that would break keys or cannot apply', async () => {
    const rules = fixtureRules();
    rules.masking.orders = { ...rules.masking.orders, customer_id: 'keep' };
    rules.masking.employees = { ...rules.masking.employees, id: 'noise', manager_id: 'noise' };
    rules.masking.products = { title: 'date-noise', colour: 'keep' };
    const refused = await clone('SBX-12', 1, rules).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SandboxPlanError);
    const message = (refused as SandboxPlanError).problems.join('\n');
    expect(message).toContain('public.orders.customer_id is kept but joins public.customers.id, which is tokenized');
    expect(message).toContain('public.employees.id is part of a key');
    expect(message).toContain('products.colour, which the source does not have');
    expect(message).toContain('date-noise cannot mask a column of type text');
  });
});
