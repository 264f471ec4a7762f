// The dashboard's layout and list controls in headless Chromium: every page at phone (390 px) and
// desktop (1400 px) width without horizontal scrolling (full-page screenshots of each in
// test-results/screenshots/), sortable columns, the search box, the team filter and the keyboard
// path (skip link first, then the navigation).

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../platform/http/server.js';
import type { DatabaseHandle } from '../../db/client.js';
import { incidents } from '../../db/schema/index.js';
import { startDashboardInBrowser } from '../helpers/dashboard-browser.js';
import { NOW, seedDashboard, TEAMS } from './seed.js';

const TOKEN = 'e2e-layout-token-0123456789abc';
const SCREENSHOTS = 'test-results/screenshots';
/** The seeded incidents' declaration window, so rows other test files add stay out. */
const SEEDED = 'from=2026-01-01&to=2026-03-18';

const PAGES = [
  ['overview', '/'],
  ['incidents', '/incidents'],
  ['incident', '/incidents/INC-900001'],
  ['actions', '/actions?status=all'],
  ['charts', '/charts'],
  ['metrics', '/incident-metrics'],
  ['signin', '/signin'],
] as const;

let database: DatabaseHandle;
let server: RunningServer;
let browser: Browser;
let close: (() => Promise<void>) | undefined;

/** Titles whose search text holds LIKE wildcards, far from the other seeds' dates and keys (94xxxx); one is private. */
async function seedSearchIncidents(): Promise<void> {
  const declaredAt = new Date('2024-01-15T10:00:00Z');
  const incident = (n: number, title: string, isPrivate = false) => ({
    key: `INC-${n}`, number: n, title, severity: 'SEV4' as const, phase: 'closed' as const, services: ['search'], roles: {},
    source: 'cli' as const, reporter: { source: 'cli' as const, id: 'alice' }, declaredAt, private: isPrivate,
  });
  await db()
    .insert(incidents)
    .values([incident(940001, 'Disk 100% full'), incident(940002, 'Disk 1000 full'), incident(940003, 'Cache a_b key lost'), incident(940004, 'Cache axb key lost'), incident(940005, 'Disk 100% private', true)])
    .onConflictDoNothing();
  // More than a page (50) on one day, for the pager.
  const pagerDay = new Date('2023-05-01T08:00:00Z').getTime();
  await db()
    .insert(incidents)
    .values(Array.from({ length: 55 }, (_, i) => ({ ...incident(941001 + i, `Pager row ${String(i + 1).padStart(2, '0')}`), declaredAt: new Date(pagerDay + (55 - i) * 60_000) })))
    .onConflictDoNothing();
}

const db = () => database.db;

// The page-side globals the evaluate() callbacks use: the project compiles without the DOM library.
interface PageElement {
  id: string;
  textContent: string | null;
  open: boolean;
}
declare const document: { documentElement: { scrollWidth: number }; activeElement: PageElement | null; querySelectorAll(selector: string): { forEach(fn: (e: PageElement) => void): void } };
declare const window: { innerWidth: number };
declare function getComputedStyle(element: unknown, pseudo?: string): { display: string; content: string; outlineStyle: string };

beforeAll(async () => {
  ({ database, server, browser, close } = await startDashboardInBrowser({ token: TOKEN, now: () => NOW, seed: seedDashboard }));
  await seedSearchIncidents();
});

afterAll(async () => {
  await close?.();
});

async function signedIn(width: number, height: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(`${server.url}/signin`);
  await page.fill('#token', TOKEN);
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
  return { context, page };
}

const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const keys = (page: Page, table: string, prefix: string) =>
  page.$$eval(`${table} tbody tr`, (rows, p) => rows.map((r) => r.getAttribute('data-key') ?? '').filter((k) => k.startsWith(p)), prefix);

describe.each([
  [390, 844],
  [1400, 900],
])('every page at %i px wide', (width, height) => {
  it('fits the viewport (no horizontal scroll, also with the chart data tables open) and is screenshotted', async () => {
    const { context, page } = await signedIn(width, height);
    for (const [name, path] of PAGES) {
      // Signed out last: the sign-in page as a newcomer sees it.
      if (name === 'signin') await context.clearCookies();
      const response = await page.goto(`${server.url}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(response?.headers()['content-type'], path).toContain('text/html');
      expect(await horizontalOverflow(page), `${path} at ${width} px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SCREENSHOTS}/${name}-${width}.png`, fullPage: true });
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      expect(await horizontalOverflow(page), `${path} at ${width} px with details open`).toBeLessThanOrEqual(0);
    }
    await context.close();
  });
});

describe('responsive tables and charts', () => {
  it('stacks table rows as labelled cards on a phone and keeps the header for screen readers', async () => {
    const { context, page } = await signedIn(390, 844);
    await page.goto(`${server.url}/incidents?${SEEDED}`);
    const severity = page.locator('#incidents tr[data-key="INC-900001"] td[data-label="Severity"]');
    expect(await severity.evaluate((td) => [getComputedStyle(td).display, getComputedStyle(td, '::before').content])).toEqual(['flow-root', '"Severity"']);
    expect(await page.locator('#incidents thead').evaluate((el) => el.getBoundingClientRect().width)).toBeLessThanOrEqual(1);
    expect(await page.locator('#incidents thead th').count()).toBe(9);
    for (const td of await page.$$('#incidents td, #action-items td')) expect(await td.getAttribute('data-label')).toBeTruthy();
    await page.goto(`${server.url}/charts`);
    const chart = page.locator('svg.chart').first();
    expect((await chart.boundingBox())!.width).toBeLessThanOrEqual(390);
    expect(await chart.getAttribute('viewBox')).toMatch(/^0 0 \d+ \d+$/);
    await context.close();
  });
});

describe('sorting', () => {
  it('sorts incidents by a clicked column header, both ways, keeping the filters', async () => {
    const { context, page } = await signedIn(1400, 900);
    await page.goto(`${server.url}/incidents?${SEEDED}`);
    expect(await keys(page, '#incidents', 'INC-9000')).toEqual(['INC-900002', 'INC-900001', 'INC-900003']);
    expect(await page.getAttribute('#incidents th[aria-sort]', 'aria-sort')).toBe('descending');
    expect(await page.textContent('#incidents th[aria-sort]')).toContain('Declared');

    await Promise.all([page.waitForURL(/sort=severity&dir=asc/), page.click('#incidents th a:text-is("Severity")')]);
    expect(new URL(page.url()).searchParams.get('from')).toBe('2026-01-01');
    expect(await keys(page, '#incidents', 'INC-9000')).toEqual(['INC-900003', 'INC-900001', 'INC-900002']);
    const active = page.locator('#incidents th[aria-sort]');
    expect(await active.count()).toBe(1);
    expect(await active.getAttribute('aria-sort')).toBe('ascending');
    expect(await active.textContent()).toBe('Severity ▲');

    await Promise.all([page.waitForURL(/sort=severity&dir=desc/), page.click('#incidents th a.sort >> text=Severity')]);
    expect(await keys(page, '#incidents', 'INC-9000')).toEqual(['INC-900002', 'INC-900001', 'INC-900003']);
    expect(await active.getAttribute('aria-sort')).toBe('descending');
    // The filter form keeps the order when the filters change.
    expect(await page.getAttribute('form.filters input[name=sort]', 'value')).toBe('severity');

    // The pager keeps the order: page 2 continues it.
    await page.goto(`${server.url}/incidents?from=2023-05-01&to=2023-05-01&sort=title&dir=desc`);
    const titles = () => page.$$eval('#incidents td[data-label="Title"]', (cells) => cells.map((c) => c.textContent));
    expect((await titles()).slice(0, 2)).toEqual(['Pager row 55', 'Pager row 54']);
    await Promise.all([page.waitForURL(/page=2/), page.click('nav.pager a:text-is("Next →")')]);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('title');
    expect(await titles()).toEqual(['Pager row 05', 'Pager row 04', 'Pager row 03', 'Pager row 02', 'Pager row 01']);

    const unknown = await page.goto(`${server.url}/incidents?${SEEDED}&sort=${encodeURIComponent('title; DROP TABLE incidents')}&dir=sideways`);
    expect(unknown?.status()).toBe(200);
    expect(await keys(page, '#incidents', 'INC-9000')).toEqual(['INC-900002', 'INC-900001', 'INC-900003']);
    await context.close();
  });

  it('sorts the action board by owner, then back to due date by default', async () => {
    const { context, page } = await signedIn(1400, 900);
    await page.goto(`${server.url}/actions?team=${TEAMS.atlas}&status=all`);
    expect(await page.getAttribute('#action-items th[aria-sort]', 'aria-sort')).toBe('ascending');
    expect(await page.textContent('#action-items th[aria-sort]')).toContain('Due');

    await Promise.all([page.waitForURL(/sort=owner&dir=asc/), page.click('#action-items th a.sort >> text=Owner')]);
    expect(await keys(page, '#action-items', 'ACT-')).toEqual(['ACT-900001', 'ACT-900003', 'ACT-900004', 'ACT-900002', 'ACT-900005']);
    expect(await page.textContent('#action-items th[aria-sort="ascending"]')).toBe('Owner ▲');
    expect(new URL(page.url()).searchParams.get('team')).toBe(TEAMS.atlas);
    // The CSV link carries the same order.
    expect(await page.getAttribute('a[href^="/actions.csv"]', 'href')).toContain('sort=owner');

    await Promise.all([page.waitForURL(/sort=owner&dir=desc/), page.click('#action-items th a.sort >> text=Owner')]);
    expect(await keys(page, '#action-items', 'ACT-')).toEqual(['ACT-900005', 'ACT-900004', 'ACT-900002', 'ACT-900001', 'ACT-900003']);
    expect(await page.getAttribute('#action-items th[aria-sort]', 'aria-sort')).toBe('descending');
    await context.close();
  });
});

describe('search and team filter', () => {
  it('finds incidents by title, key (INC-N or N) and service, with % and _ taken literally', async () => {
    const { context, page } = await signedIn(1400, 900);
    await page.goto(`${server.url}/incidents?${SEEDED}`);
    await page.fill('input[name=q]', 'CHECKOUT');
    await Promise.all([page.waitForURL(/q=CHECKOUT/), page.click('form.filters button[type=submit]')]);
    expect(await keys(page, '#incidents', 'INC-9')).toEqual(['INC-900001']);
    expect(await page.inputValue('input[name=q]')).toBe('CHECKOUT');

    const search = async (q: string, extra = SEEDED) => {
      await page.goto(`${server.url}/incidents?${extra}&q=${encodeURIComponent(q)}`);
      return keys(page, '#incidents', 'INC-9');
    };
    expect(await search('inc-900002')).toEqual(['INC-900002']);
    expect(await search('900003')).toEqual(['INC-900003']);
    expect(await search('search')).toEqual(['INC-900002', 'INC-900003']);
    const old = 'from=2024-01-01&to=2024-01-31';
    expect(await search('100%', old)).toEqual(['INC-940001']);
    expect(await search('a_b', old)).toEqual(['INC-940003']);
    expect(await search('%', old)).toEqual(['INC-940001']);
    // The private incident matches too, but the shared token is no member: it stays hidden.
    expect(await search('private', old)).toEqual([]);
    expect(await search('x'.repeat(5000), old)).toEqual([]);
    await context.close();
  });

  it('filters incidents by a policy team’s services and refuses an unknown team by name', async () => {
    const { context, page } = await signedIn(1400, 900);
    await page.goto(`${server.url}/incidents?${SEEDED}&team=payments`);
    expect(await keys(page, '#incidents', 'INC-9000')).toEqual(['INC-900001', 'INC-900003']);
    await page.goto(`${server.url}/incidents?${SEEDED}&team=sre&severity=SEV1`);
    expect(await keys(page, '#incidents', 'INC-9000')).toEqual(['INC-900003']);
    const unknown = await page.goto(`${server.url}/incidents?team=${encodeURIComponent('<nope>')}`);
    expect(unknown?.status()).toBe(400);
    const alert = await page.textContent('p.error[role=alert]');
    expect(alert).toContain('“<nope>”');
    expect(alert).toContain('payments, search, sre');
    await context.close();
  });

  it('searches the action board by text and key', async () => {
    const { context, page } = await signedIn(1400, 900);
    await page.goto(`${server.url}/actions?status=all&q=${encodeURIComponent('circuit BREAKER')}`);
    expect(await keys(page, '#action-items', 'ACT-')).toEqual(['ACT-900001']);
    await page.goto(`${server.url}/actions?status=all&q=ACT-900012`);
    expect(await keys(page, '#action-items', 'ACT-')).toEqual(['ACT-900012']);
    await context.close();
  });
});

describe('keyboard', () => {
  it('reaches the skip link first, then the navigation, with a visible focus outline', async () => {
    const { context, page } = await signedIn(390, 844);
    await page.goto(`${server.url}/incidents`);
    const focused = () => page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), outline: getComputedStyle(document.activeElement!).outlineStyle }));
    await page.keyboard.press('Tab');
    expect(await focused()).toEqual({ text: 'Skip to content', outline: 'solid' });
    const nav: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      nav.push((await focused()).text ?? '');
    }
    expect(nav).toEqual(['Overview', 'Incidents', 'Incident metrics', 'Action items', 'Action-item charts']);
    await page.focus('a.skip');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('content');
    await context.close();
  });
});
