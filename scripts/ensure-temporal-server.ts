import { ensureTemporalServerTools } from '../test/helpers/temporal-server-tools.js';

// `npm run test:cluster` and CI, before the cluster tests: find or build the Temporal server and its
// SQL tool up front, so a cold build (many minutes) shows its progress here and not inside a test's
// setup. Prints where the server, the SQL tool and the Postgres schemas are.
try {
  const tools = await ensureTemporalServerTools((line) => process.stderr.write(`${line}\n`));
  console.log(JSON.stringify(tools));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
