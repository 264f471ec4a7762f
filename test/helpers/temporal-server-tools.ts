// The real Temporal server and its SQL schema tool, for the cluster tests and bench:cluster
// (DESIGN.md §4). Both are built once with `go install` into the cache outside the clone, as the
// Temporal CLI is; the Postgres schemas ship in the server's Go module, which that build leaves in
// Go's module cache. Without Go, point TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH and
// TEMPORAL_SCHEMA_DIR at a server, a SQL tool and the module's schema/postgresql/v12 of v1.29.1.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildGoTool, cachedToolPath, findOnPath, isExecutable, type GoTool } from '../../worker/go-install.js';

/** The server inside Temporal CLI 1.5.1, which the dev server of every other test runs. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
const MODULE = 'go.temporal.io/server';

// Versioned names in the cache: a version bump builds afresh instead of reusing an older binary.
const SERVER: GoTool = {
  binary: `temporal-server-v${TEMPORAL_SERVER_VERSION}`,
  goName: 'server',
  label: `Temporal server v${TEMPORAL_SERVER_VERSION}`,
  installArgs: [`${MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`],
  overrideEnv: 'TEMPORAL_SERVER_PATH',
};

const SQL_TOOL: GoTool = {
  binary: `temporal-sql-tool-v${TEMPORAL_SERVER_VERSION}`,
  goName: 'sql',
  label: `Temporal SQL tool v${TEMPORAL_SERVER_VERSION}`,
  installArgs: [`${MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`],
  overrideEnv: 'TEMPORAL_SQL_TOOL_PATH',
};

const SCHEMA_ENV = 'TEMPORAL_SCHEMA_DIR';

export interface TemporalServerTools {
  server: string;
  sqlTool: string;
  /** The module's schema/postgresql/v12: `temporal/versioned` and `visibility/versioned` inside. */
  schemaDir: string;
}

const execFileAsync = promisify(execFile);

export async function ensureTemporalServerTools(log: (line: string) => void = () => {}): Promise<TemporalServerTools> {
  const server = await ensureTool(SERVER, log);
  const sqlTool = await ensureTool(SQL_TOOL, log);
  return { server, sqlTool, schemaDir: await schemaDir() };
}

async function ensureTool(tool: GoTool, log: (line: string) => void): Promise<string> {
  const fromEnv = process.env[tool.overrideEnv];
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) throw new Error(`${tool.overrideEnv}=${fromEnv} is not an executable file; point it at the ${tool.label} binary or unset it`);
    return resolve(fromEnv);
  }
  const cached = cachedToolPath(tool.binary);
  if (await isExecutable(cached)) return cached;
  const built = await buildGoTool(tool, log);
  if (!built) throw new Error(`no Go toolchain to build ${tool.label}; install Go or set ${tool.overrideEnv}`);
  return built;
}

async function schemaDir(): Promise<string> {
  const fromEnv = process.env[SCHEMA_ENV];
  const dir = fromEnv ? resolve(fromEnv) : join(await moduleDir(), 'schema', 'postgresql', 'v12');
  for (const store of ['temporal', 'visibility']) {
    if (!(await isDirectory(join(dir, store, 'versioned')))) {
      throw new Error(`${dir} has no ${store}/versioned schema; ${fromEnv ? `point ${SCHEMA_ENV} at the server module's schema/postgresql/v12` : `unset ${SCHEMA_ENV} or check Go's module cache`}`);
    }
  }
  return dir;
}

/** Where Go keeps the server module (downloaded by the build; instant once there). */
async function moduleDir(): Promise<string> {
  const go = await findOnPath('go');
  if (!go) throw new Error(`no Go toolchain to find the Temporal server's Postgres schemas; install Go or set ${SCHEMA_ENV}`);
  // Outside any module, so a go.mod in the working directory cannot change what is resolved.
  const cwd = await mkdtemp(join(tmpdir(), 'firebreak-gomod-'));
  try {
    const { stdout } = await execFileAsync(go, ['mod', 'download', '-json', `${MODULE}@v${TEMPORAL_SERVER_VERSION}`], { cwd, timeout: 10 * 60_000 });
    const dir = (JSON.parse(stdout) as { Dir?: string; Error?: string }).Dir;
    if (!dir) throw new Error(`go mod download ${MODULE}@v${TEMPORAL_SERVER_VERSION} named no directory: ${stdout.trim()}`);
    return dir;
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
