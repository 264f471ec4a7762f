// `npm run bench:sandbox`: how fast a masked sandbox clone is next to a plain copy of the same
// data. Two throwaway password-auth clusters (source and sandbox server, as in the tests); the
// source gets ≥ 1,000,000 rows over 5 related tables from generate_series. In one run: (a) a raw
// copy, COPY TO → COPY FROM per table plus the same keys and indexes, (b) Firebreak's masked clone
// (introspection, fail-closed plan, masking, content hash, constraints). Both are timed from an
// empty database to a complete copy, reading the source's schema included. Prints one JSON object.

import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { cloneSandbox } from '../activities/sandbox/clone.js';
import { introspectSchema } from '../activities/sandbox/introspect.js';
import { sandboxName, withClient } from '../activities/sandbox/target.js';
import { copiedColumns, postDataStatements, preDataStatements } from '../domain/sandbox/ddl.js';
import { quoteIdent, tableIdent, type SandboxRules } from '../domain/sandbox/types.js';
import { createRedactor } from '../domain/redact.js';
import { startPgCluster } from '../test/helpers/pg-cluster.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const n = (rows: number) => Math.round(rows * SCALE);
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const SOURCE = `
  CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE, full_name text NOT NULL, phone text, ip_address inet, created_at timestamptz NOT NULL);
  CREATE TABLE products (id serial PRIMARY KEY, sku text NOT NULL UNIQUE, title text NOT NULL, price numeric(8,2) NOT NULL);
  CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers(id), status text NOT NULL, amount numeric(10,2) NOT NULL, card_number text, created_at timestamptz NOT NULL);
  CREATE INDEX orders_customer_idx ON orders (customer_id);
  CREATE TABLE order_items (order_id bigint NOT NULL REFERENCES orders(id), line_no integer NOT NULL, product_id integer NOT NULL REFERENCES products(id), qty integer NOT NULL, PRIMARY KEY (order_id, line_no));
  CREATE TABLE payments (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id), iban text NOT NULL, amount numeric(10,2) NOT NULL, paid_at timestamptz NOT NULL);
  INSERT INTO customers (email, full_name, phone, ip_address, created_at)
    SELECT 'user' || i || '@mail.example.com', 'Person Number' || i, '+1 (415) 555-' || lpad((i % 10000)::text, 4, '0'), ('198.51.100.' || (i % 250))::inet, timestamptz '2024-01-01' + i * interval '1 minute'
    FROM generate_series(1, ${n(100_000)}) i;
  INSERT INTO products (sku, title, price) SELECT 'SKU-' || i, 'Widget ' || i, (i % 1000) + 0.99 FROM generate_series(1, ${n(10_000)}) i;
  INSERT INTO orders (customer_id, status, amount, card_number, created_at)
    SELECT 1 + i % ${n(100_000)}, (ARRAY['pending','paid','shipped'])[1 + i % 3], 5 + (i % 500) + 0.25, '5105 1051 0510 ' || lpad((i % 10000)::text, 4, '0'), timestamptz '2024-02-01' + i * interval '10 seconds'
    FROM generate_series(1, ${n(300_000)}) i;
  INSERT INTO order_items (order_id, line_no, product_id, qty) SELECT 1 + i / 2, i % 2, 1 + i % ${n(10_000)}, 1 + i % 5 FROM generate_series(0, ${n(500_000)} - 1) i;
  INSERT INTO payments (order_id, iban, amount, paid_at) SELECT 1 + i % ${n(300_000)}, 'DE8937040044053201' || i, 10 + i % 90, timestamptz '2024-03-01' + i * interval '30 seconds' FROM generate_series(1, ${n(100_000)}) i;
  ANALYZE;`;

const RULES: SandboxRules = {
  subset: {},
  masking: {
    customers: { id: 'tokenize', email: 'email', full_name: 'name', phone: 'phone', ip_address: 'ip', created_at: 'date-noise' },
    orders: { amount: 'noise', card_number: 'card' },
    payments: { iban: 'tokenize', amount: 'noise' },
  },
};

// The example policy's (firebreak.config.yaml), which the content check runs on every unmasked value.
const REDACTION_PATTERNS = [
  { name: 'acme-api-key', pattern: 'acme_(live|test)_[A-Za-z0-9]{24}' },
  { name: 'internal-customer-id', pattern: 'CUST-[0-9]{8}', flags: 'i' },
];

/** Peak RSS over a phase, sampled every 20 ms, also per quarter of the rows once `quarter` is set. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const byQuarter = [0, 0, 0, 0];
  let quarter = 0;
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peak = Math.max(peak, rss);
    byQuarter[quarter] = Math.max(byQuarter[quarter]!, rss);
  }, 20);
  return { stop: () => (clearInterval(timer), peak), setQuarter: (q: number) => (quarter = Math.min(3, q)), byQuarter: () => byQuarter.map(mb) };
}

/**
 * Into an empty database to a complete, keyed copy, as the masked clone is timed: the source's
 * schema is read inside the timing (pg_dump | psql reads the catalog too).
 */
async function rawCopy(sourceUrl: string, targetUrl: string): Promise<{ seconds: number; copySeconds: number }> {
  const started = performance.now();
  return withClient(sourceUrl, (source) =>
    withClient(targetUrl, async (target) => {
      const schema = await introspectSchema(source);
      // Also reported: the data, keys and indexes alone, without creating the database and reading the schema.
      const copying = performance.now();
      for (const sql of preDataStatements(schema)) await target.query(sql);
      for (const t of schema.tables) {
        const columns = copiedColumns(t).map((c) => quoteIdent(c.name)).join(', ');
        await pipeline(source.query(copyTo(`COPY ${tableIdent(t)} (${columns}) TO STDOUT`)), target.query(copyFrom(`COPY ${tableIdent(t)} (${columns}) FROM STDIN`)));
      }
      for (const sql of postDataStatements(schema)) await target.query(sql);
      const done = performance.now();
      return { seconds: (done - started) / 1000, copySeconds: (done - copying) / 1000 };
    }),
  );
}

async function main(): Promise<void> {
  const [source, sandbox] = await Promise.all([startPgCluster(), startPgCluster()]);
  try {
    await withClient(source.adminUrl, (c) => c.query('CREATE DATABASE app'));
    say('generating the source');
    await withClient(source.urlFor('app'), (c) => c.query(SOURCE));
    const counts = await withClient(source.urlFor('app'), (c) =>
      c.query<{ n: string }>(`SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM products) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_items) + (SELECT count(*) FROM payments) AS n`),
    );
    const rows = Number(counts.rows[0]!.n);

    say(`raw copy of ${rows} rows`);
    let sampler = rssSampler();
    // Both target databases exist before either timing starts: creating one costs the same for
    // both and is not copying (the clone finds its database made and carries on).
    for (const name of ['raw_copy', sandboxName('SBX-BENCH')]) await withClient(sandbox.adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`));
    const { seconds: rawSeconds, copySeconds: rawCopySeconds } = await rawCopy(source.urlFor('app'), sandbox.urlFor('raw_copy'));
    const rawPeak = sampler.stop();

    say('masked clone');
    const rssAt: Record<string, number> = {};
    const doneRows: Record<string, number> = {};
    sampler = rssSampler();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await cloneSandbox({
      sandboxId: 'SBX-BENCH', sourceUrl: source.urlFor('app'), sandboxAdminUrl: sandbox.adminUrl, seed: 1, secret: 'bench-secret', rules: RULES, redactor: createRedactor(),
      // As the provisioning activity passes them: the example policy's redaction patterns.
      redactionPatterns: REDACTION_PATTERNS,
      onProgress: (p) => {
        doneRows[p.table] = p.rows;
        const sofar = Object.values(doneRows).reduce((a, b) => a + b, 0);
        for (const q of [25, 50, 75, 100]) if (rssAt[`${q}%`] === undefined && sofar >= (rows * q) / 100) rssAt[`${q}%`] = mb(process.memoryUsage().rss);
        sampler.setQuarter(Math.floor((sofar * 4) / rows));
      },
    });
    const maskedSeconds = (performance.now() - started) / 1000;
    // This process's CPU during the clone: masking competes with both servers for the machine's cores.
    const cpu = process.cpuUsage(cpuBefore);
    const maskedPeak = sampler.stop();

    const raw = rows / rawSeconds;
    const masked = rows / maskedSeconds;
    process.stdout.write(
      `${JSON.stringify({
        rows,
        tables: Object.keys(result.rowCounts).length,
        raw: { seconds: +rawSeconds.toFixed(2), rowsPerSecond: Math.round(raw), copySeconds: +rawCopySeconds.toFixed(2), peakRssMb: mb(rawPeak) },
        masked: { seconds: +maskedSeconds.toFixed(2), rowsPerSecond: Math.round(masked), cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2), peakRssMb: mb(maskedPeak), rssMbAtRows: rssAt, peakRssMbByQuarterOfRows: sampler.byQuarter() },
        ratio: +(masked / raw).toFixed(2),
        target: 0.5,
        contentHash: result.contentHash,
      })}\n`,
    );
  } finally {
    await Promise.all([source.stop(), sandbox.stop()]);
  }
}

await main();
