// What people do to incidents in the cluster test, each through a real front-end: signed Slack
// requests to the http process, and the `firebreak` CLI against the cluster. Nothing here calls a
// workflow directly; the test only reads Postgres and the Slack stand-in to see what happened.

import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import pg from 'pg';
import { grantRoleName } from '../../activities/access/postgres.js';
import type { Database } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import { accessGrants, incidents, timelineEvents } from '../../db/schema/index.js';
import { TEST_ENCRYPTION_KEYS_ENV } from '../helpers/encryption.js';
import { runCli } from '../helpers/run-cli.js';
import { blockAction, postSigned, slashCommand } from '../helpers/slack-requests.js';
import { eventually } from '../helpers/system.js';
import type { SlackStandIn } from '../standins/slack-api.js';

export interface People {
  slack: SlackStandIn;
  /** The http process. */
  httpUrl: string;
  db: Database;
  temporal: { address: string; namespace: string; taskQueue: string };
  /** ACCESS_POSTGRES_URL of the workers: where grants' login roles live. */
  accessAdminUrl: string;
}

export const SLACK_USERS = [
  { id: 'U0ALICE', name: 'alice', real_name: 'Alice Payments' },
  { id: 'U0BOB', name: 'bob', real_name: 'Bob Search' },
  { id: 'U0CAROL', name: 'carol', real_name: 'Carol SRE' },
];

const slackName = (id: string) => SLACK_USERS.find((u) => u.id === id)!.name;

/** `/incident <text>` from `user` in `channel`; resolves with the ephemeral answer. */
export async function slash(p: People, user: string, text: string, channel = 'C0GENERAL'): Promise<string> {
  const replyId = randomUUID();
  const response = await postSigned(p.httpUrl, slashCommand({ text, user, userName: slackName(user), channel, responseUrl: p.slack.responseUrl(replyId) }));
  if (response.status !== 200) throw new Error(`/incident ${text}: HTTP ${response.status} ${await response.text()}`);
  const body = await eventually(async () => p.slack.responses.find((r) => r.id === replyId)?.body, 30_000, `the answer to /incident ${text}`);
  return String(body.text);
}

/** A button in a Slack message, clicked by `user`. */
export async function click(p: People, user: string, actionId: string, value: string, channel: string): Promise<string> {
  const replyId = randomUUID();
  const response = await postSigned(p.httpUrl, blockAction({ actionId, value, user, userName: slackName(user), channel, responseUrl: p.slack.responseUrl(replyId) }));
  if (response.status !== 200) throw new Error(`${actionId} click: HTTP ${response.status} ${await response.text()}`);
  const body = await eventually(async () => p.slack.responses.find((r) => r.id === replyId)?.body, 30_000, `the answer to the ${actionId} click`);
  return String(body.text);
}

/** `firebreak <args>` as CLI user `user`. */
export async function cli(p: People, user: string, args: string[]): Promise<string> {
  const result = await runCli(args, {
    TEMPORAL_ADDRESS: p.temporal.address,
    TEMPORAL_NAMESPACE: p.temporal.namespace,
    TEMPORAL_TASK_QUEUE: p.temporal.taskQueue,
    FIREBREAK_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS_ENV,
    FIREBREAK_USER: user,
  });
  if (result.code !== 0) throw new Error(`firebreak ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

export function keyIn(text: string, pattern = /(INC-\d+) declared/): string {
  const key = pattern.exec(text)?.[1];
  if (!key) throw new Error(`no incident key in "${text}"`);
  return key;
}

/** The incident's Slack channel, once its summary is pinned there. */
export async function channelOf(p: People, key: string): Promise<string> {
  const link = await eventually(async () => {
    const row = await findLink(p.db, key, 'slack-channel');
    return row?.data.pinned === true ? row : undefined;
  }, 60_000, `the Slack channel of ${key} with its pinned summary`);
  return link.externalId;
}

export async function grantStatus(p: People, grant: string): Promise<string | undefined> {
  const [row] = await p.db.select().from(accessGrants).where(eq(accessGrants.key, grant));
  return row?.status;
}

export async function loginRoleExists(p: People, grant: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: p.accessAdminUrl });
  await client.connect();
  try {
    return ((await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [grantRoleName(grant)])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

export async function reminderKinds(p: People, key: string): Promise<Set<string>> {
  const rows = await p.db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'reminder')));
  return new Set(rows.map((r) => String(r.details.reminder)));
}

/** SEV3 in the test policy: no commander after 5 s, a status update due every 10 s. */
export async function bothRemindersFired(p: People, key: string): Promise<void> {
  await eventually(async () => {
    const kinds = await reminderKinds(p, key);
    return kinds.has('no_commander') && kinds.has('status_update');
  }, 90_000, `both reminders of ${key}`);
}

export async function phaseOf(p: People, key: string): Promise<string | undefined> {
  const [row] = await p.db.select().from(incidents).where(eq(incidents.key, key));
  return row?.phase;
}

export async function closed(p: People, key: string): Promise<void> {
  await eventually(async () => (await phaseOf(p, key)) === 'closed', 90_000, `${key} closed`);
}

/** Reminders Slack received in an incident's channel. */
export function remindersPosted(p: People, channel: string): number {
  return p.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && String(c.args.text).startsWith(':alarm_clock:')).length;
}
