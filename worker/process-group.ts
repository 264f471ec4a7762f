// A child process in a process group of its own that cannot outlive its parent: the embedded dev
// server of `npm start`, and the Temporal server and Firebreak processes of the cluster tests.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const STOP_GRACE_MS = 10_000;
const TAIL_LINES = 15;

export interface GroupedProcess {
  /** SIGTERM to the group, SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
  /** SIGKILL to the whole group at once, as a crashed host; resolves once it has exited. */
  kill(): Promise<void>;
  exitReason(): string | undefined;
  tail(): string[];
}

export interface GroupOptions {
  /** Prefix of the lines passed to `log`. */
  label?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

// The parent keeps the write end of the watchdog's stdin. When the parent dies for any reason,
// SIGKILL included, the kernel closes it, `cat` sees EOF and the watchdog kills the whole group.
// `exec` keeps the child's pid equal to the group id, so exit events are the child's own.
const WATCHDOG_SCRIPT = 'exec 3<&0; (exec 0<&3 3<&-; cat >/dev/null; kill -KILL 0) & exec "$@" 3<&- </dev/null';

export function spawnInOwnGroup(command: string, args: string[], log: (line: string) => void, options: GroupOptions = {}): GroupedProcess {
  const label = options.label ?? 'temporal';
  const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, label, command, ...args], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.env,
    cwd: options.cwd,
  });
  // Nothing is ever written; this only keeps a closed pipe from becoming an unhandled error.
  child.stdin.on('error', () => {});
  let stopping: Promise<void> | undefined;
  // A stopping process warns about every connection it closes; that is noise, not news.
  const tail = keepTail([child.stdout, child.stderr], label, (line) => {
    if (!stopping) log(line);
  });
  let exitReason: string | undefined;
  const exited = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      exitReason = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      done();
    });
    child.once('error', (error) => {
      exitReason = `could not start (${error.message})`;
      done();
    });
  });
  const pgid = child.pid;
  // Covers a parent that exits without calling stop(), e.g. process.exit() in a signal handler.
  const killOnExit = () => killGroup(pgid, 'SIGKILL');
  process.on('exit', killOnExit);
  const end = (how: Promise<void>) =>
    (stopping ??= how.finally(() => {
      child.stdin.destroy();
      process.off('exit', killOnExit);
    }));
  const stop = () => end(terminateGroup(pgid, exited));
  const kill = () => end((async () => {
    killGroup(pgid, 'SIGKILL');
    await exited;
  })());
  return { stop, kill, exitReason: () => exitReason, tail };
}

function keepTail(streams: NodeJS.ReadableStream[], label: string, log: (line: string) => void): () => string[] {
  const lines: string[] = [];
  for (const input of streams) {
    createInterface({ input }).on('line', (line) => {
      // The dev server's banner has blank lines between its parts; a log record of nothing helps nobody.
      if (line.trim() === '') return;
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      log(`[${label}] ${line}`);
    });
  }
  return () => [...lines];
}

async function terminateGroup(pgid: number | undefined, exited: Promise<void>): Promise<void> {
  killGroup(pgid, 'SIGTERM');
  // Unref'd so a prompt exit does not keep the caller's process alive for the whole grace period.
  const grace = sleep(STOP_GRACE_MS, false, { ref: false });
  if (!(await Promise.race([exited.then(() => true), grace]))) killGroup(pgid, 'SIGKILL');
  await exited;
  // Also ends the watchdog, which outlives the child by design.
  killGroup(pgid, 'SIGKILL');
}

function killGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
