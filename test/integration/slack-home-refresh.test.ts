// The App Home refresh activity (activities/slack/home-refresh.ts) on a real database, with only the
// Slack Web API replaced: action item news republishes its owner's Home, a reassignment the former
// owner's too (their Home listed the item), and a Slack failure is logged, never thrown.

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createSlackHomeRefresh } from '../../activities/slack/home-refresh.js';
import type { SlackApi } from '../../activities/slack/client.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { actionItems, incidents } from '../../db/schema/index.js';
import { createRedactor } from '../../domain/redact.js';
import { createLogger } from '../../platform/logger.js';
import { loadTestPolicy } from '../helpers/system.js';

let handle: DatabaseHandle;
const policy = loadTestPolicy();
const alice = { source: 'slack' as const, id: 'U0ALICE', name: 'alice' };
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  handle = connectDatabase(inject('databaseUrl'), { max: 2 });
  // Numbers far from the other files' INC-N / ACT-N, which share this database.
  await handle.db.insert(incidents).values({ key: 'INC-910001', number: 910001, title: 'Ledger drift', severity: 'SEV2', phase: 'postmortem', roles: { commander: alice }, source: 'slack', reporter: alice, declaredAt: new Date() });
  await handle.db.insert(actionItems).values({ key: 'ACT-910001', number: 910001, incidentKey: 'INC-910001', text: 'Reconcile <!channel> nightly', owner: 'bob', priority: 'P2', dueDate: today, status: 'open', createdBy: alice, createdAt: new Date() });
});
afterAll(async () => {
  await handle?.close();
});

function recordingApi(fail = false): SlackApi & { published: Array<{ user: string; text: string }> } {
  const published: Array<{ user: string; text: string }> = [];
  return {
    published,
    async call(method: string, args: Record<string, unknown>) {
      if (fail) throw new Error('slack is down');
      if (method === 'views.publish') published.push({ user: String(args.user_id), text: JSON.stringify(args.view) });
      return { ok: true };
    },
  } as SlackApi & { published: Array<{ user: string; text: string }> };
}

const logs: string[] = [];
const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void logs.push(line) } });
const notice = (what: string) => ({ incident: 'INC-910001', key: `postmortem:INC-910001:7:ACT-910001:${what}`, audience: { kind: 'incident' as const }, text: 'x' });

describe('the App Home refresh', () => {
  it("republishes the owner's Home on action item news, and the former owner's on reassignment", async () => {
    const api = recordingApi();
    const home = createSlackHomeRefresh({ api, db: handle.db, policy: () => policy, redactor: createRedactor(), logger });
    await home.postmortemNotifier.notify(notice('add'));
    expect(api.published.map((p) => p.user)).toEqual(['U0BOB']);
    expect(api.published[0]!.text).toContain('*ACT-910001* Reconcile &lt;!channel&gt; nightly');

    await handle.db.update(actionItems).set({ owner: 'carol' }).where(eq(actionItems.key, 'ACT-910001'));
    await home.postmortemNotifier.notify(notice('assigned:carol'));
    const after = api.published.slice(1).sort((a, b) => a.user.localeCompare(b.user));
    expect(after.map((p) => p.user)).toEqual(['U0BOB', 'U0CAROL']);
    expect(after[0]!.text).not.toContain('ACT-910001');
    expect(after[1]!.text).toContain('ACT-910001');

    // News about nothing the Home shows (a postmortem drafted) publishes nothing.
    await home.postmortemNotifier.notify({ ...notice('x'), key: 'postmortem:INC-910001:8:drafted:alice' });
    expect(api.published).toHaveLength(3);
  });

  it('logs a failed views.publish and lets the notice go on', async () => {
    const home = createSlackHomeRefresh({ api: recordingApi(true), db: handle.db, policy: () => policy, redactor: createRedactor(), logger });
    await expect(home.postmortemNotifier.notify(notice('done'))).resolves.toBeUndefined();
    expect(logs.some((line) => line.includes('App Home not refreshed') && line.includes('slack is down'))).toBe(true);
  });
});
