// `firebreak`: the command line front-end. Help, the version and completion scripts are answered
// from small modules alone; a command loads the rest (Temporal client, database, policy) only when it runs.

import { quickAnswer, USAGE } from './usage.js';

const argv = process.argv.slice(2);
const quick = quickAnswer(argv);
if (quick?.kind === 'help') {
  console.log(USAGE);
  process.exit(0);
}
if (quick?.kind === 'version') {
  const { cliVersion } = await import('./version.js');
  console.log(`firebreak ${cliVersion()}`);
  process.exit(0);
}
if (quick?.kind === 'completion') {
  const { completionScript, isShell, SHELLS } = await import('./completion.js');
  if (!isShell(quick.shell)) {
    console.error(`Name the shell: firebreak completion ${SHELLS.join('|')}.`);
    process.exit(1);
  }
  process.stdout.write(completionScript(quick.shell));
  process.exit(0);
}
const { runCli } = await import('./run.js');
await runCli(argv);
