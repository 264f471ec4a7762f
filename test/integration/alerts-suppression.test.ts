// Suppression windows end to end: during a maintenance window a declare route records the
// suppression (state and one audit row) and declares nothing; when the window ends and the group
// still fires, it declares then (a workflow timer) with the held alerts on the timeline. A group that
// resolves inside the window never declares. Quiet hours hold a triage route's question too.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../domain/alerts/index.js';
import { startTriageSystem, type TriageSystem } from '../helpers/alert-triage.js';
import { eventually, WAIT_SCALE } from '../helpers/system.js';

const hhmm = (minutes: number) => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

// The maintenance window starts before the system does and ends a little after it is up.
const WINDOW_SECONDS = 25 * WAIT_SCALE;
let windowEnd: number;
let s: TriageSystem;
beforeAll(async () => {
  const now = new Date();
  windowEnd = now.getTime() + WINDOW_SECONDS * 1000;
  const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  s = await startTriageSystem({
    suppress: ({ service, declaring }) => [
      { service: declaring, maintenance: { from: new Date(now.getTime() - 60_000).toISOString(), to: new Date(windowEnd).toISOString(), reason: 'database upgrade' } },
      { service, quietHours: { days: [...WEEKDAYS], from: hhmm(minutes - 60), to: hhmm(minutes + 120), timeZone: 'UTC' } },
    ],
  });
});
afterAll(async () => {
  await s?.stop();
});

const suppressed = (key: string) =>
  eventually(async () => {
    const view = await s.group(key);
    return view?.held?.suppression ? view : undefined;
  }, 20_000, 'the suppression recorded');

describe('alert suppression windows', () => {
  // First: the window is still open (the next test waits it out).
  it('a group resolving inside the window never declares', async () => {
    const key = `maint-${randomUUID()}`;
    expect(await s.fire(key, s.declaring)).toBe(202);
    await suppressed(key);
    expect(await s.fire(key, s.declaring, 'resolved')).toBe(202);
    const view = await eventually(async () => {
      const v = await s.group(key);
      return v?.deliveries === 2 ? v : undefined;
    });
    expect(view.held!.suppression).toBeUndefined();
    expect(view.incident).toBeUndefined();
    expect(view.alerts).toEqual([{ fingerprint: key, status: 'resolved' }]);
    expect((await s.audit(s.workflowId(key))).map((r) => r.action)).toEqual(['alert.declaration.suppressed']);
  });

  it('a maintenance window holds the declaration, recorded, and the group declares when it ends still firing', async () => {
    const key = `maint-${randomUUID()}`;
    expect(await s.fire(key, s.declaring)).toBe(202);
    const view = await suppressed(key);
    expect(view.held!.suppression).toMatchObject({ kind: 'maintenance', window: 0, reason: 'database upgrade', untilMs: windowEnd });
    expect(view.incident).toBeUndefined();
    const [row, ...more] = await s.audit(s.workflowId(key));
    expect(more).toEqual([]);
    expect(row).toMatchObject({ action: 'alert.declaration.suppressed', actor: { source: 'system' } });
    expect(row!.details).toMatchObject({ service: s.declaring, kind: 'maintenance', reason: 'database upgrade', until: new Date(windowEnd).toISOString(), firing: 1 });
    // A re-send inside the window records nothing more.
    expect(await s.fire(key, s.declaring)).toBe(202);
    await eventually(async () => ((await s.group(key))?.deliveries === 2 ? true : undefined));
    expect(await s.audit(s.workflowId(key))).toHaveLength(1);

    const declared = await eventually(async () => (await s.group(key))?.incident, (WINDOW_SECONDS + 30) * 1000, 'the declaration after the window');
    const [incident] = (await s.incidents(s.declaring)).filter((i) => i.key === declared);
    expect(incident).toMatchObject({ source: 'alerts', severity: 'SEV2' });
    expect(Date.parse(String(incident!.declaredAt))).toBeGreaterThanOrEqual(windowEnd - 1000);
    await eventually(async () => ((await s.timeline(declared, 'Alert % firing%')).length === 1 ? true : undefined), 20_000, 'the held alert on the timeline');
  });

  it('quiet hours hold a triage route: no question is posted, the suppression is recorded', async () => {
    const key = `quiet-${randomUUID()}`;
    expect(await s.fire(key, s.service)).toBe(202);
    const view = await suppressed(key);
    expect(view.held!.suppression).toMatchObject({ kind: 'quietHours', window: 1 });
    expect(view.held!.triage).toBeUndefined();
    expect(s.slack.callsTo('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks ?? '').includes(s.workflowId(key)))).toEqual([]);
    const click = await s.click('alert_triage_accept', s.workflowId(key));
    expect(await eventually(async () => s.reply(click.replyId)?.text as string | undefined)).toMatch(/not waiting for a triage decision/);
    expect(view.incident).toBeUndefined();
  });
});
