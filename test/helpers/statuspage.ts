// A real worker plus the status page routes on a real HTTP server, and the command path every
// front-end shares (bots/commands/dispatch.ts), for the status page's integration and security tests;
// and a worker whose public updates are mirrored to the Atlassian Statuspage stand-in.

import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createStatusPageMirrorOutbound } from '../../activities/statuspage/integration.js';
import type { StatusPageMirrorActivities } from '../../activities/statuspage/mirror.js';
import { connectDatabase } from '../../db/client.js';
import { runCommand, type CommandContext, type Reply } from '../../bots/commands/dispatch.js';
import { declareIncident, runIncidentUpdate } from '../../bots/workflow-client.js';
import { parseCommand } from '../../domain/commands/index.js';
import type { Actor } from '../../domain/incident.js';
import { createLogger } from '../../platform/logger.js';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import { statusPageRoutes } from '../../web/status/routes.js';
import * as msg from '../../workflows/incident/messages.js';
import { startAtlassianStatusPageStandIn, type AtlassianStatusPageStandIn } from '../standins/atlassian-statuspage.js';
import { loadTestPolicy, startTestSystem, type TestSystem } from './system.js';

export const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
export const bob: Actor = { source: 'slack', id: 'U0BOB', name: 'bob' };
export const carol: Actor = { source: 'slack', id: 'U0CAROL', name: 'carol' };
export const guest: Actor = { source: 'slack', id: 'U0DAVE', name: 'dave' };

export interface StatusPageEnv {
  system: TestSystem;
  http: RunningServer;
  get(path: string): Promise<{ status: number; type: string; body: string }>;
  stop(): Promise<void>;
}

export async function startStatusPageEnv(): Promise<StatusPageEnv> {
  const system = await startTestSystem();
  const http = await startHttpServer({
    port: 0,
    logger: createLogger({ level: 'silent' }),
    routes: statusPageRoutes({ db: system.database.db, policy: system.policy, publicUrl: 'https://status.example.test' }),
  });
  return {
    system,
    http,
    async get(path) {
      const res = await fetch(`${http.url}${path}`);
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
    },
    async stop() {
      await http.close();
      await system.stop();
    },
  };
}

/** An incident on payments with alice as comms lead and carol as commander. */
export async function incidentWithComms(system: TestSystem, title = 'Checkout returns 502'): Promise<string> {
  const { key } = await declareIncident(system, { idempotencyKey: `sp-test:${randomUUID()}`, title, severity: 'SEV2', services: ['payments'], source: 'slack', reporter: alice });
  await runIncidentUpdate(system, key, msg.assignRoleUpdate, { actor: alice, role: 'commander', person: carol });
  await runIncidentUpdate(system, key, msg.assignRoleUpdate, { actor: carol, role: 'comms', person: alice });
  return key;
}

/** One command as a front-end runs it; `requestKey` is the front-end's request ID (a retry reuses it). */
export async function say(system: TestSystem, incident: string, actor: Actor, text: string, requestKey = `test:${randomUUID()}`): Promise<Reply> {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const ctx: CommandContext = { ...system, actor, source: 'slack', incident, idempotencyKey: requestKey, db: system.database.db, policy: system.policy };
  return runCommand(ctx, parsed.command);
}

/**
 * Well-formed XML, checked without a parser (none is installed): every tag closes in order, and
 * no `<` or `&` stands outside markup or a known entity. Enough to catch an unescaped value.
 */
export function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos|#\d+);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < body.length && (m = token.exec(body))) {
    at = token.lastIndex;
    const [, closing, name, , selfClosing, text] = m;
    if (text !== undefined) {
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/.test(text) || text.includes('>') && /]]>/.test(text)) throw new Error(`bad text in XML: ${text.slice(0, 80)}`);
      continue;
    }
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes nothing open`);
    } else stack.push(name!);
  }
  if (at !== body.length) throw new Error(`not XML at ${at}: ${body.slice(at, at + 80)}`);
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
}

export const MIRROR_PAGE_ID = 'pg0firebreak';
export const MIRROR_API_KEY = 'sp-test-key-0123456789abcdef';
export const MIRROR_COMPONENTS = { Checkout: 'cmpcheckout01', Search: 'cmpsearch0001' };

export interface MirrorEnv {
  system: TestSystem;
  remote: AtlassianStatusPageStandIn;
  /** The worker's own mirror activity, for calling it again as a Temporal retry would. */
  mirror: StatusPageMirrorActivities;
  stop(): Promise<void>;
}

/**
 * A real worker whose public updates are mirrored to the Atlassian Statuspage stand-in, the mirror
 * built as the worker builds it (activities/statuspage/integration.ts) from a test environment.
 */
export async function startMirrorEnv(): Promise<MirrorEnv> {
  const remote = await startAtlassianStatusPageStandIn({ pageId: MIRROR_PAGE_ID, apiKey: MIRROR_API_KEY, componentIds: Object.values(MIRROR_COMPONENTS) });
  const policy = loadTestPolicy();
  policy.statusPage!.mirror = { provider: 'atlassian', pageId: MIRROR_PAGE_ID, apiKeyEnv: 'FIREBREAK_TEST_STATUSPAGE_KEY', components: MIRROR_COMPONENTS };
  const database = connectDatabase(inject('databaseUrl'));
  const outbound = createStatusPageMirrorOutbound(
    { db: database.db, policy, logger: createLogger({ level: 'silent' }) },
    { FIREBREAK_TEST_STATUSPAGE_KEY: MIRROR_API_KEY, STATUSPAGE_API_URL: remote.url },
  )!;
  const system = await startTestSystem({ policy, activities: outbound.activities! });
  return {
    system,
    remote,
    mirror: outbound.activities as unknown as StatusPageMirrorActivities,
    async stop() {
      await system.stop();
      await database.close();
      await remote.stop();
    },
  };
}
