// What each outside system contributes to the HTTP process: the routes it posts to (or a socket it
// opens), built per system under bots/<system>/integration.ts only when its settings are present.
// The worker process composes them; what Firebreak sends back is built under activities/.

import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config/index.js';
import type { Route } from '../platform/http/server.js';
import type { Logger } from '../platform/logger.js';
import type { Policy } from '../domain/policy/index.js';
import type { Database } from '../db/client.js';

export interface InboundContext {
  config: Config;
  policy: Policy;
  db: Database;
  /** Temporal client for front-ends (start, update, query workflows). */
  client: Client;
  taskQueue: string;
  logger: Logger;
}

export interface Inbound {
  name: string;
  routes: Route[];
  /** Background work started once the server is up (Socket Mode, warming the bot's identity); stopped on shutdown. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
