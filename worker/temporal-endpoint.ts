import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { TemporalConfig } from '../platform/config/index.js';
import { ensureTemporalCli } from './temporal-cli.js';
import { startDevServer, type DevServer } from './dev-server.js';
import type { Logger } from '../platform/logger.js';

export interface TemporalEndpoint {
  address: string;
  namespace: string;
  /** Set when Firebreak started its own dev server; stopping it is the caller's job. */
  devServer?: DevServer;
}

/**
 * The Temporal to run against: the configured cluster, or (TEMPORAL_ADDRESS unset) an embedded dev
 * server whose SQLite file under the data dir keeps incidents across restarts.
 */
export async function resolveTemporal(config: TemporalConfig, dataDir: string, logger: Logger): Promise<TemporalEndpoint> {
  if (config.address) return { address: config.address, namespace: config.namespace };
  await mkdir(dataDir, { recursive: true });
  const log = (line: string) => logger.info({ component: 'temporal-dev-server' }, line);
  const cli = await ensureTemporalCli({ log });
  const devServer = await startDevServer({
    cli,
    port: config.devServer.port,
    uiPort: config.devServer.uiPort,
    settings: { port: 'TEMPORAL_DEV_PORT', uiPort: 'TEMPORAL_DEV_UI_PORT' },
    dbFile: join(dataDir, 'temporal.db'),
    namespace: config.namespace,
    log,
  });
  logger.info({ address: devServer.address, ui: devServer.uiUrl }, 'embedded Temporal dev server started');
  return { address: devServer.address, namespace: devServer.namespace, devServer };
}
