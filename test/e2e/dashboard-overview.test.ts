// The overview (/), incident metrics (/incident-metrics) and action-item charts (/charts) pages in
// headless Chromium, over rows seeded by seed-overview.ts whose expected numbers are worked out
// there by hand. Signed in with the shared token, which is no private incident's member.

import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningServer } from '../../platform/http/server.js';
import type { DatabaseHandle } from '../../db/client.js';
import { createRedactor } from '../../domain/redact.js';
import { dashboardRoutes } from '../../web/routes.js';
import { createLogger } from '../../platform/logger.js';
import { startDashboardInBrowser } from '../helpers/dashboard-browser.js';
import { loadTestPolicy } from '../helpers/system.js';
import { OVERVIEW_NOW, OVERVIEW_TEAM, seedOverview } from './seed-overview.js';

const TOKEN = 'e2e-overview-token-0123456789';
const logger = createLogger({ level: 'silent' });

let database: DatabaseHandle;
let server: RunningServer;
let browser: Browser;
let close: (() => Promise<void>) | undefined;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ database, server, browser, close } = await startDashboardInBrowser({ token: TOKEN, now: () => OVERVIEW_NOW, seed: seedOverview }));
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  const first = await page.goto(`${server.url}/`);
  expect(first?.status()).toBe(401);
  await page.fill('#token', TOKEN);
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
});

afterAll(async () => {
  await context?.close();
  await close?.();
});

async function open(path: string, status = 200): Promise<void> {
  const response = await page.goto(`${server.url}${path}`);
  expect(response?.status(), path).toBe(status);
}

/** The seeded rows of a table (keys 910001+), each as its cells' text. */
const rows = (selector: string) =>
  page.$$eval(`${selector} tbody tr`, (trs) =>
    trs.filter((tr) => /91000\d/.test(tr.getAttribute('data-key') ?? '')).map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
  );

/** Month → the text of one column of a metrics table. */
const column = (table: string, label: string) =>
  page.$$eval(`#${table}-table tbody tr`, (trs, l) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-month'), tr.querySelector(`td[data-label="${l}"]`)?.textContent?.trim()])), label);

async function expectAccessibleTables(): Promise<void> {
  expect(await page.locator('main td:not([data-label])').count()).toBe(0);
  expect(await page.locator('main table:not(:has(caption)):not([aria-label])').count()).toBe(0);
  const levels = await page.$$eval('main h1, main h2, main h3', (hs) => hs.map((h) => Number(h.tagName.slice(1))));
  expect(levels[0]).toBe(1);
  levels.forEach((level, i) => i > 0 && expect(level - levels[i - 1]!).toBeLessThanOrEqual(1));
}

describe('overview', () => {
  it('shows open incidents by severity with age, phase and commander, and leaves private ones out', async () => {
    await open('/');
    expect(await page.$$eval('#open-incidents table', (ts) => ts.map((t) => t.getAttribute('data-severity')))).toEqual(expect.arrayContaining(['SEV1', 'SEV3']));
    const order = await page.$$eval('#open-incidents table', (ts) => ts.map((t) => t.getAttribute('data-severity')));
    expect([...order].sort()).toEqual(order);
    expect(await rows('table[data-severity=SEV1]')).toEqual([
      ['INC-910006', 'Overview incident 910006 for [REDACTED:email]', '3h', 'mitigating', 'alice'],
      ['INC-910008', 'Overview incident 910008 for [REDACTED:email]', '30m', 'declared', '—'],
    ]);
    expect(await rows('table[data-severity=SEV3]')).toEqual([['INC-910007', 'Overview incident 910007 for [REDACTED:email]', '1d', 'triage', 'carol']]);
    expect(await page.locator('a[href="/incidents/INC-910006"]').first().textContent()).toBe('INC-910006');
    // Resolved and closed incidents are not on fire.
    for (const key of ['INC-910001', 'INC-910004']) expect(await page.locator(`#open-incidents tr[data-key="${key}"]`).count()).toBe(0);
    await expectAccessibleTables();
  });

  it('shows pending access requests, live sandboxes with their time left and overdue items per team', async () => {
    await open('/');
    expect(await rows('#pending-grants')).toEqual([['GR-910001', 'INC-910006', 'bob', 'db-readonly, read-logs', '1h']]);
    expect(await rows('#live-sandboxes')).toEqual([
      ['SBX-910001', 'INC-910006', 'alice', 'ready', '45m'],
      ['SBX-910003', 'INC-910007', 'alice', 'provisioning', 'not ready yet'],
    ]);
    const team = page.locator(`#overdue-by-team tr[data-team="${OVERVIEW_TEAM}"]`);
    expect(await team.locator('td').allTextContents()).toEqual([OVERVIEW_TEAM, '2']);
    expect(await team.locator('a').getAttribute('href')).toBe(`/actions?team=${OVERVIEW_TEAM}&overdue=1`);
    // The private incident, its grant, its sandbox and its item stay off the token's page.
    const body = (await page.textContent('main')) ?? '';
    for (const hidden of ['INC-910009', 'GR-910003', 'SBX-910004', 'ops@example.com']) expect(body).not.toContain(hidden);
    await page.screenshot({ path: 'test-results/dashboard-overview-1400.png', fullPage: true });
  });

  it('says "None." for an empty section', async () => {
    const quiet = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger,
      // A day before anything seeded fell due: no item is overdue yet.
      routes: dashboardRoutes({ db: database.db, policy: loadTestPolicy(), redactor: createRedactor(), logger, token: TOKEN, now: () => new Date('2020-01-01T00:00:00Z') }),
    });
    try {
      const html = await (await fetch(`${quiet.url}/`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      const overdue = /<section id="overdue"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
      expect(overdue).toContain('<p class="muted">None.</p>');
    } finally {
      await quiet.close();
    }
  });
});

describe('incident metrics', () => {
  it('counts incidents per UTC month and gives mean and median times, private incidents left out', async () => {
    await open('/incident-metrics');
    const volume = await column('volume', 'Incidents');
    expect(Object.keys(volume)).toHaveLength(12);
    expect(Object.keys(volume)[0]).toBe('2024-07');
    expect(volume).toMatchObject({ '2025-03': '0', '2025-04': '3', '2025-05': '1', '2025-06': '3' });
    expect(await page.locator('#volume svg g.bar[data-x="2025-04"]').getAttribute('data-value')).toBe('3');
    expect(await column('response-times', 'To acknowledge')).toMatchObject({ '2025-04': '5m40s (median 5m)', '2025-05': '1m (median 1m)', '2025-06': '7m30s (median 7m30s)', '2025-03': '—' });
    expect(await column('response-times', 'To mitigate')).toMatchObject({ '2025-04': '15m (median 15m)', '2025-05': '2m (median 2m)', '2025-06': '—' });
    expect(await column('response-times', 'To resolve')).toMatchObject({ '2025-04': '1h10m (median 1h)', '2025-05': '4m (median 4m)' });
    // The response-time charts by severity moved here from /charts.
    expect(await page.locator('#mtta svg .legend text').allTextContents()).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
    expect(await column('mttr', 'SEV2')).toMatchObject({ '2025-04': '1h15m', '2025-05': '—' });
    await expectAccessibleTables();
    await page.screenshot({ path: 'test-results/dashboard-metrics-1400.png', fullPage: true });
  });

  it('narrows by team (through the services it owns), service and severity, and by the number of months', async () => {
    await open('/incident-metrics');
    await page.selectOption('select[name=team]', 'payments');
    await Promise.all([page.waitForURL(/team=payments/), page.click('form.filters button[type=submit]')]);
    expect(await column('volume', 'Incidents')).toMatchObject({ '2025-04': '2', '2025-05': '0', '2025-06': '1' });
    await open('/incident-metrics?team=sre');
    expect(await column('volume', 'Incidents')).toMatchObject({ '2025-04': '1', '2025-05': '1', '2025-06': '2' });
    await open('/incident-metrics?service=search&severity=SEV1');
    expect(await column('volume', 'Incidents')).toMatchObject({ '2025-04': '0', '2025-06': '1' });
    await open('/incident-metrics?severity=SEV2');
    expect(await column('volume', 'Incidents')).toMatchObject({ '2025-04': '2', '2025-05': '0' });
    expect(await column('response-times', 'To acknowledge')).toMatchObject({ '2025-04': '7m30s (median 7m30s)' });
    await open('/incident-metrics?months=3');
    expect(Object.keys(await column('volume', 'Incidents'))).toEqual(['2025-04', '2025-05', '2025-06']);
    await open('/incident-metrics?months=1000');
    expect(Object.keys(await column('volume', 'Incidents'))).toHaveLength(36);
  });

  it('drills down from a month to exactly that month’s incidents on the incident list', async () => {
    await open('/incident-metrics?service=payments');
    const link = page.locator('#volume-table tr[data-month="2025-04"] a');
    expect(await link.getAttribute('href')).toBe('/incidents?from=2025-04-01&to=2025-04-30&service=payments');
    await Promise.all([page.waitForURL(/\/incidents\?from=2025-04-01/), link.click()]);
    expect(await page.$$eval('#incidents tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-key')))).toEqual(['INC-910003', 'INC-910001']);
    await open('/incident-metrics?severity=SEV2&team=payments');
    const teamLink = page.locator('#volume-table tr[data-month="2025-04"] a');
    expect(await teamLink.getAttribute('href')).toBe('/incidents?from=2025-04-01&to=2025-04-30&severity=SEV2&team=payments');
    await Promise.all([page.waitForURL(/team=payments/), teamLink.click()]);
    expect(await page.$$eval('#incidents tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-key')))).toEqual(['INC-910003']);
    // A cell of a by-severity table links to that month's incidents of that severity.
    await open('/incident-metrics');
    expect(await page.locator('#mtta-table tr[data-month="2025-04"] td[data-label="SEV2"] a').getAttribute('href')).toBe('/incidents?from=2025-04-01&to=2025-04-30&severity=SEV2');
  });

  it('refuses an unknown team, service or severity with 400 and the valid names', async () => {
    for (const [path, words] of [
      ['/incident-metrics?team=nosuch', ['“nosuch”', 'payments, search, sre']],
      ['/incident-metrics?service=billing', ['“billing”', 'payments, search']],
      ['/incident-metrics?severity=SEV9', ['“SEV9”', 'SEV1, SEV2, SEV3, SEV4']],
    ] as const) {
      await open(path, 400);
      const alert = (await page.textContent('p.error[role=alert]')) ?? '';
      for (const word of words) expect(alert, path).toContain(word);
    }
  });
});

describe('action-item charts', () => {
  it('lists policy teams and teams with items, shows an empty policy team, and refuses an unknown one', async () => {
    await open('/charts');
    const teams = await page.$$eval('select[name=team] option', (os) => os.map((o) => o.getAttribute('value')).filter(Boolean));
    expect(teams).toEqual(expect.arrayContaining(['payments', 'search', 'sre', OVERVIEW_TEAM]));
    expect(await page.locator('#mtta').count()).toBe(0);

    await open('/charts?team=search&period=month&periods=3');
    expect(await page.locator('#action-flow figcaption').textContent()).toContain('(team search)');
    expect(await page.locator('#overdue figcaption').textContent()).toContain('(team search)');
    expect(await page.locator('select[name=team] option[selected]').getAttribute('value')).toBe('search');
    await expectAccessibleTables();

    await open(`/charts?team=${OVERVIEW_TEAM}&period=month&periods=3`);
    const opened = await page.locator('#action-flow svg g.bar[data-series="opened"]').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-value')));
    // Items 910001–910004 were opened in April; 910005 belongs to a private incident.
    expect(opened).toEqual(['4', '0', '0']);

    await open('/charts?team=nosuch', 400);
    const alert = (await page.textContent('p.error[role=alert]')) ?? '';
    expect(alert).toContain('“nosuch”');
    expect(alert).toContain('payments');
    expect(alert).toContain(OVERVIEW_TEAM);
  });
});

describe('at 390 and 1400 px', () => {
  it('fits each page without horizontal scrolling, and saves screenshots', async () => {
    mkdirSync('test-results/screenshots', { recursive: true });
    for (const width of [390, 1400]) {
      const sized = await browser.newContext({ viewport: { width, height: 844 }, extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` } });
      const tab = await sized.newPage();
      for (const [name, path] of [['overview', '/'], ['incident-metrics', '/incident-metrics'], ['action-item-charts', `/charts?team=${OVERVIEW_TEAM}`]] as const) {
        expect((await tab.goto(`${server.url}${path}`))?.status(), path).toBe(200);
        // A string, evaluated in the page: this file is type-checked without the DOM library.
        const overflow = await tab.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow, `${path} at ${width} px`).toBeLessThanOrEqual(0);
        await tab.screenshot({ path: `test-results/screenshots/${name}-${width}.png`, fullPage: true });
      }
      await sized.close();
    }
  });
});
