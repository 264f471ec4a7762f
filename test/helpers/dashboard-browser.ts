// The dashboard in a browser for the e2e tests: the seeded test database, the dashboard's routes on
// a server of their own (signed in by token, at a fixed "now") and Debian's Chromium, headless.

import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { inject } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { createRedactor } from '../../domain/redact.js';
import { createLogger } from '../../platform/logger.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import type { DashboardDeps } from '../../web/deps.js';
import { dashboardRoutes } from '../../web/routes.js';
import { loadTestPolicy } from './system.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface DashboardInBrowser {
  database: DatabaseHandle;
  server: RunningServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startDashboardInBrowser(options: {
  token: string;
  now: () => Date;
  seed: (db: DatabaseHandle['db']) => Promise<void>;
  addActionItem?: DashboardDeps['addActionItem'];
}): Promise<DashboardInBrowser> {
  const logger = createLogger({ level: 'silent' });
  const database = connectDatabase(inject('databaseUrl'));
  await options.seed(database.db);
  const policy = loadTestPolicy();
  const server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    logger,
    routes: dashboardRoutes({
      db: database.db,
      policy,
      redactor: createRedactor({ extraPatterns: policy.redaction.patterns }),
      logger,
      token: options.token,
      now: options.now,
      addActionItem: options.addActionItem ?? (async () => ({ error: 'not in this test' })),
    }),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  mkdirSync('test-results/screenshots', { recursive: true });
  return {
    database,
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      await database.close();
    },
  };
}
