import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildGoTool, cachedToolPath, findOnPath, isExecutable, toolCacheDir, type GoTool } from './go-install.js';

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

const TEMPORAL_CLI: GoTool = {
  binary: BINARY,
  label: `Temporal CLI v${TEMPORAL_CLI_VERSION}`,
  installArgs: [`-ldflags=${VERSION_LDFLAGS}`, `${TEMPORAL_CLI_PACKAGE}@v${TEMPORAL_CLI_VERSION}`],
  overrideEnv: 'TEMPORAL_CLI_PATH',
};

const execFileAsync = promisify(execFile);

export async function ensureTemporalCli(options: EnsureTemporalCliOptions = {}): Promise<TemporalCli> {
  const log = options.log ?? (() => {});
  const path = (await findTemporalCli()) ?? (await buildGoTool(TEMPORAL_CLI, log));
  if (!path) {
    log('no Temporal CLI and no Go toolchain found: the SDK will download the Temporal CLI');
    return { kind: 'sdk-download' };
  }
  log(`using ${await cliVersion(path)} at ${path}`);
  return { kind: 'binary', path };
}

/** Where a built CLI is kept: outside the clone, so every checkout and worktree shares one build. */
export const cliCacheDir = toolCacheDir;

async function findTemporalCli(): Promise<string | undefined> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) {
      throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file; point it at a temporal binary or unset it`);
    }
    return resolve(fromEnv);
  }
  const cached = cachedToolPath(BINARY);
  return (await findOnPath(BINARY)) ?? ((await isExecutable(cached)) ? cached : undefined);
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
