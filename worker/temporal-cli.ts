import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

// Finds the Temporal CLI that runs the local dev server, or builds it once with Go (DESIGN.md §4).

export type TemporalCli = { kind: 'binary'; path: string } | { kind: 'sdk-download' };

export interface EnsureTemporalCliOptions {
  log?: (line: string) => void;
}

export const TEMPORAL_CLI_VERSION = '1.5.1';
const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
// Same -X the CLI's release build sets, so `temporal --version` reports 1.5.1 instead of 0.0.0-DEV.
const VERSION_LDFLAGS = `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;
const BINARY = 'temporal';
// A cold build downloads ~200 modules; a second caller waits for it rather than building twice.
const LOCK_WAIT_MS = 30 * 60_000;
const HEARTBEAT_MS = 30_000;

const execFileAsync = promisify(execFile);

export async function ensureTemporalCli(options: EnsureTemporalCliOptions = {}): Promise<TemporalCli> {
  const log = options.log ?? (() => {});
  const path = (await findTemporalCli()) ?? (await buildTemporalCli(log));
  if (!path) {
    log('no Temporal CLI and no Go toolchain found: the SDK will download the Temporal CLI');
    return { kind: 'sdk-download' };
  }
  log(`using ${await cliVersion(path)} at ${path}`);
  return { kind: 'binary', path };
}

/** Where a built CLI is kept: outside the clone, so every checkout and worktree shares one build. */
export function cliCacheDir(): string {
  const env = process.env;
  // `||` rather than `??`: an empty variable means unset, as `${VAR:-default}` does in a shell.
  return resolve(env.FIREBREAK_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'firebreak'));
}

async function findTemporalCli(): Promise<string | undefined> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) {
      throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file; point it at a temporal binary or unset it`);
    }
    return resolve(fromEnv);
  }
  const cached = join(cliCacheDir(), 'bin', BINARY);
  return (await findOnPath(BINARY)) ?? ((await isExecutable(cached)) ? cached : undefined);
}

async function buildTemporalCli(log: (line: string) => void): Promise<string | undefined> {
  const go = await findOnPath('go');
  if (!go) return undefined;
  const binDir = join(cliCacheDir(), 'bin');
  const target = join(binDir, BINARY);
  await mkdir(binDir, { recursive: true });
  const release = await acquireLock(join(cliCacheDir(), 'temporal-build.lock'), log);
  try {
    // The caller that held the lock before us may have just finished the same build.
    if (await isExecutable(target)) return target;
    await goInstall(go, binDir, log);
    log(`built Temporal CLI v${TEMPORAL_CLI_VERSION} into ${target}`);
    return target;
  } finally {
    await release();
  }
}

async function goInstall(go: string, binDir: string, log: (line: string) => void): Promise<void> {
  // `go install` copies the binary into GOBIN in place, which a concurrent reader could see half
  // written; build into a private directory on the same filesystem and rename, which is atomic.
  const staging = await mkdtemp(join(binDir, '.build-'));
  try {
    log(`building Temporal CLI v${TEMPORAL_CLI_VERSION} with go install (once; takes a few minutes)`);
    const args = ['install', `-ldflags=${VERSION_LDFLAGS}`, `${TEMPORAL_CLI_PACKAGE}@v${TEMPORAL_CLI_VERSION}`];
    await runStreaming(go, args, { ...process.env, GOBIN: staging }, log);
    await rename(join(staging, BINARY), join(binDir, BINARY));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function runStreaming(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<void> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let lastLine = '';
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lastLine = line;
      log(line);
    });
  }
  // Compiling prints nothing for minutes; say that the build is still alive.
  const started = Date.now();
  const heartbeat = setInterval(() => log(`still building (${Math.round((Date.now() - started) / 1000)} s)`), HEARTBEAT_MS);
  try {
    const code = await new Promise<number | null>((done, fail) => child.once('error', fail).once('close', done));
    if (code !== 0) {
      throw new Error(
        `go install ${TEMPORAL_CLI_PACKAGE}@v${TEMPORAL_CLI_VERSION} failed (exit ${code}: ${lastLine}); fix the Go toolchain or set TEMPORAL_CLI_PATH`,
      );
    }
  } finally {
    clearInterval(heartbeat);
  }
}

// An O_EXCL lock file holding the builder's pid. It only saves duplicate work: builds are atomic,
// so if two callers ever race past a stale lock, both finish correctly.
async function acquireLock(lockPath: string, log: (line: string) => void): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await lockHolder(lockPath);
    if (holder === 'stale') {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting for the Temporal CLI build holding ${lockPath}; delete it if no build is running`);
    }
    if (!announced) log(`waiting for another Temporal CLI build (pid ${holder ?? '?'}, lock ${lockPath})`);
    announced = true;
    await sleep(1000);
  }
}

async function lockHolder(lockPath: string): Promise<number | 'stale' | undefined> {
  const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]).catch(() => [undefined, undefined]);
  if (text === undefined || info === undefined) return undefined;
  const pid = Number.parseInt(text, 10);
  // An empty lock is normal for the instant between create and write; an old empty one is a crash.
  if (!Number.isInteger(pid)) return Date.now() - info.mtimeMs > 60_000 ? 'stale' : undefined;
  return isAlive(pid) ? pid : 'stale';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function cliVersion(path: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(path, ['--version'], { timeout: 30_000 });
    const line = stdout.trim().split('\n')[0] ?? '';
    if (!line.startsWith('temporal version')) throw new Error(`unexpected output "${line}"`);
    return line;
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new Error(`${path} does not answer "temporal --version" (${reason}); replace it or set TEMPORAL_CLI_PATH`);
  }
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return resolve(candidate);
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
