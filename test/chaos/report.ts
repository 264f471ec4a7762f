// Global setup of the chaos project: clears the previous run's outcomes and, once every scenario
// file has run, prints the table of scenarios and outcomes and writes it to test-results/chaos.md.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { RESULTS_DIR, type Outcome } from './harness.js';

const SCENARIOS: [id: string, name: string][] = [
  ['a', '(a) kill -9 worker while an approval is pending'],
  ['b', '(b) kill -9 worker during a sandbox copy'],
  ['c', '(c) kill -9 worker between two steps of a flag saga'],
  ['d', '(d) kill -9 worker across a grant expiry'],
  ['e', '(e) restart the Temporal dev server mid-incident'],
  ['f', '(f) drop Postgres connections during activities'],
];

/** Scenarios this suite does not build yet; listed, never faked. */
const NOT_BUILT = new Set<string>();

export default function setup(): () => void {
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  return () => {
    const rows = SCENARIOS.map(([id, name]) => {
      if (NOT_BUILT.has(id)) return [name, 'not built', 'not built', '—'];
      const file = `${RESULTS_DIR}/${id}.json`;
      if (!existsSync(file)) return [name, 'no result (test failed or was skipped)', '—', 'no'];
      const o = JSON.parse(readFileSync(file, 'utf8')) as Outcome;
      return [name, o.faultFree, o.withFault, o.identical ? 'yes' : 'no'];
    });
    const table = [
      '| scenario | fault-free outcome | with-fault outcome | identical |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.map((c) => c.replaceAll('|', '/')).join(' | ')} |`),
    ].join('\n');
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/chaos.md', `# Chaos run ${new Date().toISOString()}\n\n${table}\n`);
    process.stdout.write(`\nChaos scenarios (also in test-results/chaos.md)\n${table}\n`);
  };
}
