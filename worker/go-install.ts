// Tools Firebreak runs but does not ship (the Temporal CLI for the dev server, Alertmanager for the
// tests) are built once with `go install` into a cache outside the clone, shared by every checkout,
// worktree and concurrent test run: one builder at a time (a lock file), and an atomic rename so a
// reader never sees a half-written binary.

import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface GoTool {
  /** The binary's name, in the cache's bin/ and on PATH. */
  binary: string;
  /** The name `go install` gives it (the package's last path element), when the cache keeps it under another. */
  goName?: string;
  /** What people read in progress lines: "Temporal CLI v1.5.1". */
  label: string;
  /** `go install` arguments after `install`: flags, then `module/cmd@version`. */
  installArgs: string[];
  /** The environment variable that overrides the build, named in error messages. */
  overrideEnv: string;
}

// A cold build downloads a few hundred modules; a second caller waits for it rather than building twice.
const LOCK_WAIT_MS = 30 * 60_000;
const HEARTBEAT_MS = 30_000;

/** Where built tools are kept: outside the clone, so every checkout and worktree shares one build. */
export function toolCacheDir(): string {
  const env = process.env;
  // `||` rather than `??`: an empty variable means unset, as `${VAR:-default}` does in a shell.
  return resolve(env.FIREBREAK_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'firebreak'));
}

export function cachedToolPath(binary: string): string {
  return join(toolCacheDir(), 'bin', binary);
}

/** The built binary, building it if it is not in the cache yet; undefined without a Go toolchain. */
export async function buildGoTool(tool: GoTool, log: (line: string) => void): Promise<string | undefined> {
  const go = await findOnPath('go');
  if (!go) return undefined;
  const binDir = join(toolCacheDir(), 'bin');
  const target = join(binDir, tool.binary);
  await mkdir(binDir, { recursive: true });
  const release = await acquireLock(join(toolCacheDir(), `${tool.binary}-build.lock`), tool, log);
  try {
    // The caller that held the lock before us may have just finished the same build.
    if (await isExecutable(target)) return target;
    await goInstall(go, binDir, tool, log);
    log(`built ${tool.label} into ${target}`);
    return target;
  } finally {
    await release();
  }
}

async function goInstall(go: string, binDir: string, tool: GoTool, log: (line: string) => void): Promise<void> {
  // `go install` copies the binary into GOBIN in place, which a concurrent reader could see half
  // written; build into a private directory on the same filesystem and rename, which is atomic.
  const staging = await mkdtemp(join(binDir, '.build-'));
  try {
    log(`building ${tool.label} with go install (once; takes a few minutes)`);
    await runStreaming(go, ['install', ...tool.installArgs], { ...process.env, GOBIN: staging }, tool, log);
    await rename(join(staging, tool.goName ?? tool.binary), join(binDir, tool.binary));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function runStreaming(command: string, args: string[], env: NodeJS.ProcessEnv, tool: GoTool, log: (line: string) => void): Promise<void> {
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
      throw new Error(`go install ${args.at(-1)} failed (exit ${code}: ${lastLine}); fix the Go toolchain or set ${tool.overrideEnv}`);
    }
  } finally {
    clearInterval(heartbeat);
  }
}

// An O_EXCL lock file holding the builder's pid. It only saves duplicate work: builds are atomic,
// so if two callers ever race past a stale lock, both finish correctly.
async function acquireLock(lockPath: string, tool: GoTool, log: (line: string) => void): Promise<() => Promise<void>> {
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
      throw new Error(`gave up waiting for the ${tool.label} build holding ${lockPath}; delete it if no build is running`);
    }
    if (!announced) log(`waiting for another ${tool.label} build (pid ${holder ?? '?'}, lock ${lockPath})`);
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

export async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return resolve(candidate);
  }
  return undefined;
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
