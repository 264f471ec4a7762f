import { resolve } from 'node:path';
import { buildGoTool, cachedToolPath, isExecutable, type GoTool } from '../worker/go-install.js';

// The tests drive a real Prometheus Alertmanager (test/helpers/alertmanager.ts). Part of `npm test`
// and CI: find it in the cache outside the clone, or build it there once with Go. v0.28.1 is the
// newest tag `go install` can build (later ones need a web UI build first).

export const ALERTMANAGER_VERSION = '0.28.1';

const ALERTMANAGER: GoTool = {
  binary: 'alertmanager',
  label: `Alertmanager v${ALERTMANAGER_VERSION}`,
  installArgs: [`github.com/prometheus/alertmanager/cmd/alertmanager@v${ALERTMANAGER_VERSION}`],
  overrideEnv: 'ALERTMANAGER_PATH',
};

async function ensureAlertmanager(log: (line: string) => void): Promise<string> {
  const fromEnv = process.env.ALERTMANAGER_PATH;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) throw new Error(`ALERTMANAGER_PATH=${fromEnv} is not an executable file; point it at an alertmanager binary or unset it`);
    return resolve(fromEnv);
  }
  const cached = cachedToolPath(ALERTMANAGER.binary);
  if (await isExecutable(cached)) return cached;
  const built = await buildGoTool(ALERTMANAGER, log);
  if (!built) throw new Error(`no Go toolchain to build ${ALERTMANAGER.label}; install Go or set ALERTMANAGER_PATH`);
  return built;
}

try {
  console.log(await ensureAlertmanager((line) => process.stderr.write(`${line}\n`)));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
