// The dashboard's data as a person reads it, in headless Chromium at a desktop (1400 px) and a
// phone (390 px) width: the board's service filter over items the postmortem workflow's own write
// filed, an action-item form that names no owner until one is picked, a timeline in words rather
// than event kinds, one name per person, and the incident's outside links.

import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.js';
import type { RunningServer } from '../../platform/http/server.js';
import type { NewActionItemInput } from '../../web/deps.js';
import { startDashboardInBrowser } from '../helpers/dashboard-browser.js';
import { LEGACY_ITEM, NOW, PAGE_INCIDENT, PAGE_ITEMS, PAGE_LINKS, seedDashboard, seedIncidentPage } from './seed.js';

const TOKEN = 'e2e-dashboard-data-token-0123456789';
const WIDTHS = [1400, 390] as const;

let database: DatabaseHandle;
let server: RunningServer;
let browser: Browser;
let close: (() => Promise<void>) | undefined;
const added: NewActionItemInput[] = [];

beforeAll(async () => {
  ({ database, server, browser, close } = await startDashboardInBrowser({
    token: TOKEN,
    now: () => NOW,
    seed: async (db) => {
      await seedDashboard(db);
      await seedIncidentPage(db);
    },
    addActionItem: async (input) => {
      added.push(input);
      return { key: 'ACT-990101' };
    },
  }));
});

afterAll(async () => {
  await close?.();
});

async function signedIn(width: number, path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const response = await page.goto(`${server.url}${path}`);
  expect(response?.status()).toBe(401);
  await page.fill('#token', TOKEN);
  await Promise.all([page.waitForURL(`${server.url}${path}`), page.click('button[type=submit]')]);
  return { context, page };
}

const cellTexts = (page: Page, selector: string) => page.$$eval(selector, (cells) => cells.map((c) => (c.textContent ?? '').trim()));

describe.each(WIDTHS)('dashboard data at %i px', (width) => {
  it('files the workflow’s items under their incident’s service, and the Service filter offers the services', async () => {
    // Rows from before migration 0012 had no service; the migration's own statement files them.
    const file = readdirSync('db/migrations').find((f) => f.startsWith('0012_'))!;
    await database.db.execute(sql.raw(readFileSync(`db/migrations/${file}`, 'utf8')));

    const { context, page } = await signedIn(width, '/actions?service=payments&status=open');
    const keys = await page.$$eval('#action-items tbody tr', (rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(keys).toEqual(expect.arrayContaining([...PAGE_ITEMS, LEGACY_ITEM]));
    expect(new Set(await cellTexts(page, '#action-items tbody td[data-label="Service"]'))).toEqual(new Set(['payments']));
    const services = await page.$$eval('select[name=service] option', (options) => options.map((o) => o.getAttribute('value')));
    expect(services).toEqual(expect.arrayContaining(['', 'payments', 'search']));
    expect(await page.locator('select[name=service]').inputValue()).toBe('payments');
    await page.screenshot({ path: `test-results/dashboard-data-actions-${width}.png`, fullPage: true });
    await context.close();
  });

  it('offers no owner until one is picked: the browser asks, and the server refuses an empty owner', async () => {
    const { context, page } = await signedIn(width, `/incidents/${PAGE_INCIDENT}`);
    const owner = page.locator('#new-action select[name=owner]');
    expect(await owner.inputValue()).toBe('');
    expect(await page.textContent('#new-action select[name=owner] option:checked')).toBe('Pick an owner');

    const before = added.length;
    await page.fill('#new-action input[name=text]', 'Page on refund queue depth');
    await page.fill('#new-action input[name=due]', '2026-04-01');
    await page.click('#new-action button[type=submit]');
    // The browser's own required check stopped the submit: the select reports a missing value.
    expect(await owner.evaluate((s) => (s as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing)).toBe(true);
    expect(page.url()).toBe(`${server.url}/incidents/${PAGE_INCIDENT}`);
    expect(added.length).toBe(before);

    // A client that skips the browser's check (or has none) is refused by the server with the form kept.
    const csrf = await page.getAttribute('#new-action input[name=csrf]', 'value');
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await fetch(`${server.url}/incidents/${PAGE_INCIDENT}/actions`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: csrf!, text: 'Page on refund queue depth', owner: '', due: '2026-04-01', priority: 'P2' }),
    });
    expect(res.status).toBe(422);
    const refusal = await res.text();
    expect(refusal).toContain('Pick an owner: every action item needs someone to do it.');
    expect(refusal).toContain('<option value="" selected disabled>Pick an owner</option>');
    expect(added.length).toBe(before);

    await owner.selectOption('bob');
    await Promise.all([page.waitForURL(/added=ACT-990101/), page.click('#new-action button[type=submit]')]);
    expect(added.at(-1)).toMatchObject({ incidentKey: PAGE_INCIDENT, owner: 'bob', dueDate: '2026-04-01' });
    await context.close();
  });

  it('reads the incident in words: labelled timeline, "not yet", one name per person, links out', async () => {
    const { context, page } = await signedIn(width, `/incidents/${PAGE_INCIDENT}`);

    expect(await cellTexts(page, '#timeline thead th')).toEqual(['When', 'What', 'By', 'Details']);
    const what = await cellTexts(page, '#timeline tbody td[data-label="What"]');
    expect(what).toEqual(['Declared', 'Phase', 'Role', 'Status update', 'Task', 'Access', 'Sandbox', 'Reminder', 'Phase', 'Postmortem', 'Action item', 'Action item', 'Postmortem']);
    for (const raw of ['child', 'status_update', 'reminder', 'declared']) expect(what).not.toContain(raw);
    // The GitHub actor and the task and postmortem owners (stored as the login bob-gh) are all "bob".
    expect((await cellTexts(page, '#timeline tbody td[data-label="By"]'))[1]).toBe('bob');
    expect(await cellTexts(page, '#task-table tbody td[data-label="Owner"]')).toEqual(['bob']);
    const postmortem = await page.textContent('#postmortem');
    expect(postmortem).toContain('Ownerbob');
    expect(postmortem).not.toContain('bob-gh');

    const body = (await page.textContent('main'))!;
    expect(body).not.toContain('— (—)');
    const fact = (name: string) => page.$eval(`dl.facts dt:text-is("${name}") + dd`, (dd) => dd.textContent);
    expect(await fact('Mitigated')).toBe('not yet');
    expect(await fact('Closed')).toBe('not yet');
    expect(await fact('Acknowledged')).toMatch(/^2026-03-12 \d\d:\d\d UTC \(5m\)$/);

    const links = await page.$$eval('#incident-links a', (as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('rel')]));
    expect(links).toEqual([
      ['Slack channel', `https://slack.com/app_redirect?channel=${PAGE_LINKS.slackChannel}`, 'noreferrer'],
      [`GitHub issue ${PAGE_LINKS.githubIssue}`, 'https://github.com/acme/payments/issues/4242', 'noreferrer'],
      ['Postmortem document', PAGE_LINKS.document, 'noreferrer'],
    ]);

    // Every cell of the page's own tables names its column, for the narrow-screen layout.
    const unlabelled = await page.$$eval('#timeline td, #task-table td, #grants td, #sandboxes td, #flags td', (cells) => cells.filter((c) => !c.getAttribute('data-label')).length);
    expect(unlabelled).toBe(0);
    for (const table of ['#timeline', '#task-table']) {
      const headers = await cellTexts(page, `${table} thead th`);
      for (const [i, header] of headers.entries()) {
        const labels = await page.$$eval(`${table} tbody td:nth-child(${i + 1})`, (cells) => cells.map((c) => c.getAttribute('data-label')));
        expect(new Set(labels), `${table} column ${header}`).toEqual(new Set([header]));
      }
    }
    await page.screenshot({ path: `test-results/dashboard-data-incident-${width}.png`, fullPage: true });
    await context.close();
  });

  it('says "not yet" for a seeded incident never mitigated nor closed, with no links it does not have', async () => {
    const { context, page } = await signedIn(width, '/incidents/INC-900002');
    expect(await page.$eval('dl.facts dt:text-is("Mitigated") + dd', (dd) => dd.textContent)).toBe('not yet');
    expect(await page.textContent('main')).not.toContain('— (—)');
    expect(await page.locator('#incident-links').count()).toBe(0);
    await context.close();
  });
});
