import { ensureTemporalCli } from '../worker/temporal-cli.js';

// `npm run temporal:cli` and the first step of `npm test`: find or build the CLI up front, so a
// cold build shows its progress here instead of inside a test run's setup.
try {
  const cli = await ensureTemporalCli({ log: (line) => process.stderr.write(`${line}\n`) });
  console.log(cli.kind === 'binary' ? cli.path : 'the SDK will download the Temporal CLI');
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
