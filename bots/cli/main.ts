// `firebreak`: the command line front-end. Help is answered from bots/cli/usage.ts alone; a command
// loads the rest (Temporal client, database, policy) only when it runs.

import { USAGE, wantsHelp } from './usage.js';

const argv = process.argv.slice(2);
if (wantsHelp(argv)) {
  console.log(USAGE);
  process.exit(0);
}
const { runCli } = await import('./run.js');
await runCli(argv);
