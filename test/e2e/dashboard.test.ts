// The managers' dashboard in headless Chromium (Debian's, driven by playwright-core; no browser is
// ever downloaded), served by the real HTTP server over seeded rows on a real Postgres database.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import type { DatabaseHandle } from '../../db/client.js';
import { createRedactor } from '../../domain/redact.js';
import { dashboardRoutes, DASHBOARD_OFF } from '../../web/routes.js';
import type { NewActionItemInput } from '../../web/deps.js';
import { createLogger } from '../../platform/logger.js';
import { startDashboardInBrowser } from '../helpers/dashboard-browser.js';
import { loadTestPolicy } from '../helpers/system.js';
import { ATLAS_OVERDUE, NOW, seedDashboard, TEAMS } from './seed.js';

const TOKEN = 'e2e-dashboard-token-0123456789';
const logger = createLogger({ level: 'silent' });

let database: DatabaseHandle;
let server: RunningServer;
let browser: Browser;
let close: (() => Promise<void>) | undefined;
const added: NewActionItemInput[] = [];

beforeAll(async () => {
  ({ database, server, browser, close } = await startDashboardInBrowser({
    token: TOKEN,
    now: () => NOW,
    seed: seedDashboard,
    addActionItem: async (input) => {
      added.push(input);
      return input.text.includes('refuse') ? { error: 'The postmortem is closed; reopen it first.' } : { key: 'ACT-990001' };
    },
  }));
});

afterAll(async () => {
  await close?.();
});

async function signIn(page: Page, path: string): Promise<void> {
  const response = await page.goto(`${server.url}${path}`);
  expect(response?.status()).toBe(401);
  await page.fill('#token', TOKEN);
  await Promise.all([page.waitForURL(`${server.url}${path}`), page.click('button[type=submit]')]);
}

const rowKeys = (page: Page) => page.$$eval('#action-items tbody tr', (rows) => rows.map((r) => r.getAttribute('data-key')));

describe('dashboard in a browser', () => {
  it('answers 401 without a token, and is off (404) when no sign-in is configured', async () => {
    for (const path of ['/', '/actions', '/charts', '/incidents/INC-900001']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(await res.text()).toContain('Sign in to the Firebreak dashboard');
    }
    const csv = await fetch(`${server.url}/actions.csv`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } });
    expect(csv.status).toBe(401);
    expect(csv.headers.get('www-authenticate')).toContain('Bearer');

    const off = await startHttpServer({ port: 0, host: '127.0.0.1', logger, routes: dashboardRoutes({ db: database.db, policy: loadTestPolicy(), redactor: createRedactor(), logger }) });
    try {
      const res = await fetch(`${off.url}/actions`);
      expect(res.status).toBe(404);
      expect((await res.text()).trim()).toBe(DASHBOARD_OFF);
      expect((await fetch(`${off.url}/healthz`)).status).toBe(200);
    } finally {
      await off.close();
    }
  });

  it('rejects a wrong token and keeps the session cookie HttpOnly and SameSite=Strict', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/signin`);
    await page.fill('#token', 'not-the-token-at-all-000');
    await page.click('button[type=submit]');
    await expect(page.textContent('[role=alert]')).resolves.toContain('That token is not right');
    expect(await context.cookies()).toEqual([]);
    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'firebreak_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie!.value).not.toContain(TOKEN);
    await context.close();
  });

  it('signs in, filters the board to one team’s overdue items, opens an incident and shows its timeline', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, '/actions');

    await page.selectOption('select[name=team]', TEAMS.atlas);
    await page.check('input[name=overdue]');
    await Promise.all([page.waitForURL(/overdue=1/), page.click('form.filters button[type=submit]')]);
    expect(new URL(page.url()).searchParams.get('team')).toBe(TEAMS.atlas);
    expect(await rowKeys(page)).toEqual(ATLAS_OVERDUE);
    expect(await page.textContent('#count')).toBe('3 items');
    // Overdue is said in words, not only by colour.
    const badges = await page.$$eval('#action-items tbody tr .overdue-badge', (els) => els.map((e) => e.textContent));
    expect(badges).toEqual(['⚠ Overdue by 10 days', '⚠ Overdue by 2 days', '⚠ Overdue by 1 day']);
    // Free text is redacted on the page.
    const text = await page.textContent('#action-items');
    expect(text).not.toContain('ops@example.com');
    expect(text).toContain('[REDACTED:');

    await page.selectOption('select[name=team]', TEAMS.borealis);
    await Promise.all([page.waitForURL(/e2e-borealis/), page.click('form.filters button[type=submit]')]);
    expect(await rowKeys(page)).toEqual(['ACT-900011']);
    await page.uncheck('input[name=overdue]');
    await Promise.all([page.waitForURL((u) => !u.search.includes('overdue')), page.click('form.filters button[type=submit]')]);
    expect(await rowKeys(page)).toEqual(['ACT-900011', 'ACT-900012']);

    await Promise.all([page.waitForURL(/\/incidents\/INC-900002$/), page.click('tr[data-key="ACT-900011"] a[href="/incidents/INC-900002"]')]);
    expect(await page.textContent('h1')).toBe('INC-900002: Search latency');

    await page.goto(`${server.url}/incidents/INC-900001`);
    const timeline = await page.$$eval('#timeline tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
    expect(timeline).toEqual([
      ['Declared', 'carol', 'Declared SEV2: checkout failing'],
      ['Role', 'alice', 'alice is commander'],
      ['Note', 'someone outside the policy (github)', 'Customer [REDACTED:email] reported card declines'],
      ['Resolved', 'alice', 'Rolled back new-checkout'],
    ]);
    const body = await page.textContent('body');
    expect(body).not.toContain('jane.doe@example.com');
    expect(body).not.toContain('U0ALICE');
    expect(body).not.toContain('mallory-gh');
    expect(await page.textContent('#postmortem')).toContain('in review');
    await page.screenshot({ path: 'test-results/dashboard-incident.png', fullPage: true });
    await context.close();
  });

  it('renders the charts as SVG with the expected bars and points', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await signIn(page, `/charts?team=${TEAMS.atlas}&periods=8`);
    const flow = page.locator('#action-flow svg');
    expect(await flow.locator('g.bar').count()).toBe(16);
    const sum = (series: string) =>
      flow.locator(`g.bar[data-series="${series}"]`).evaluateAll((bars) => bars.reduce((n, b) => n + Number(b.getAttribute('data-value')), 0));
    expect(await sum('opened')).toBe(5);
    expect(await sum('closed')).toBe(1);
    const overdue = page.locator('#overdue svg g.point');
    expect(await overdue.count()).toBe(8);
    expect(await overdue.last().getAttribute('data-value')).toBe('3');
    // Readable without colour: legends name each series, bars carry value labels.
    expect(await page.textContent('#action-flow svg .legend')).toBe('openedclosed');
    await page.screenshot({ path: 'test-results/dashboard-charts.png', fullPage: true });
    // Incident response times by severity live on the incident metrics page, not here.
    expect(await page.locator('#mtta').count()).toBe(0);
    await page.goto(`${server.url}/incident-metrics?months=3`);
    expect(await page.locator('#mtta svg .legend text').allTextContents()).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
    expect(await page.locator('#mtta svg g.point[data-series="SEV2"]').count()).toBeGreaterThanOrEqual(1);
    await context.close();
  });

  it('exports the filtered board as CSV with a bearer token, formulas defused', async () => {
    const res = await fetch(`${server.url}/actions.csv?team=${TEAMS.atlas}&overdue=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('key,incident,action,owner,team,service,priority,due_date,status,overdue,issue_url,created_at,done_at');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ATLAS_OVERDUE);
    const injected = lines.find((l) => l.startsWith('ACT-900005,'))!;
    expect(injected).toContain(`"'=HYPERLINK(""http://evil.example"",""mail [REDACTED:email]"")"`);
  });

  it('adds an action item from the incident page with the session’s CSRF token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, '/incidents/INC-900001');
    await page.fill('#new-action input[name=text]', 'Alert on card decline rate');
    await page.selectOption('#new-action select[name=owner]', 'bob');
    await page.fill('#new-action input[name=due]', '2026-04-01');
    await page.selectOption('#new-action select[name=priority]', 'P1');
    await Promise.all([page.waitForURL(/added=ACT-990001/), page.click('#new-action button[type=submit]')]);
    expect(await page.textContent('#new-action [role=status]')).toBe('Added ACT-990001.');
    expect(added.at(-1)).toEqual({ incidentKey: 'INC-900001', text: 'Alert on card decline rate', owner: 'bob', dueDate: '2026-04-01', priority: 'P1', requestedBy: 'token' });

    await page.fill('#new-action input[name=text]', 'please refuse this');
    // The fresh form names no owner (the field is required), so one is picked again.
    await page.selectOption('#new-action select[name=owner]', 'bob');
    await page.fill('#new-action input[name=due]', '2026-04-01');
    await page.click('#new-action button[type=submit]');
    await expect(page.textContent('#new-action [role=alert]')).resolves.toBe('The postmortem is closed; reopen it first.');

    // Same cookie, no CSRF token: refused before the dependency is called.
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const before = added.length;
    const forged = await fetch(`${server.url}/incidents/INC-900001/actions`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ text: 'forged', owner: 'bob', due: '2026-04-01', priority: 'P1' }),
    });
    expect(forged.status).toBe(403);
    expect(added.length).toBe(before);
    await context.close();
  });
});
