// Incidents declared outside GitHub (here: as the CLI declares them) get a tracking issue in their
// service's repository that follows every phase; triage context comes from the repositories. The
// GitHub API is the stand-in, answering 403 secondary rate limits, 404 and 422 where tests ask.

import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareIncident, getIncidentView, runIncidentUpdate } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import { timelineEvents } from '../../db/schema/index.js';
import type { Actor } from '../../domain/incident.js';
import * as msg from '../../workflows/incident/messages.js';
import { secondaryRateLimit } from '../standins/github-api.js';
import { eventually } from '../helpers/system.js';
import { examplePayload, startGitHubSystem, type GitHubSystem } from '../helpers/github-system.js';

const carol: Actor = { source: 'cli', id: 'carol', name: 'carol' };
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

let gh: GitHubSystem;
beforeAll(async () => {
  gh = await startGitHubSystem();
  const { standin } = gh;
  standin.deployments.set('acme/payments', [
    { id: 11, environment: 'production', ref: 'v2.4.0', sha: 'abcdef1234567', created_at: minutesAgo(30), creator: { login: 'alice-gh' } },
    { id: 10, environment: 'production', ref: 'v2.3.9', sha: '0123456789abc', created_at: minutesAgo(60 * 30), creator: { login: 'alice-gh' } },
  ]);
  standin.releases.set('acme/payments', [{ tag_name: 'v2.4.0', name: 'v2.4.0', draft: false, published_at: minutesAgo(40) }]);
  standin.pulls.set('acme/payments', [
    { number: 812, title: 'Retry card declines (ask ops@example.com)', merged_at: minutesAgo(50), user: { login: 'bob-gh' } },
    { number: 811, title: 'Closed without merging', merged_at: null, user: { login: 'bob-gh' } },
    { number: 790, title: 'Old change', merged_at: minutesAgo(60 * 24), user: { login: 'bob-gh' } },
  ]);
});
afterAll(async () => {
  await gh?.stop();
});

async function declareFromCli(services: string[]) {
  return declareIncident(gh.system, { idempotencyKey: `cli:${randomUUID()}`, title: 'Card payments failing', severity: 'SEV3', services, source: 'cli', reporter: carol });
}

async function trackingIssue(key: string) {
  const link = await eventually(async () => findLink(gh.system.database.db, key, 'github-issue'), 30_000, 'tracking issue link');
  const number = Number(link.externalId.split('#')[1]);
  return { link, number, issue: () => gh.standin.issue('acme/payments', number)!, comments: () => gh.standin.commentsOn('acme/payments', number).map((c) => c.body) };
}

describe('GitHub tracking issues and triage context', () => {
  it('opens one tracking issue for a CLI incident and keeps it in step with every phase', async () => {
    const { key } = await declareFromCli(['payments']);
    const t = await trackingIssue(key);
    expect(t.link.data).toEqual({ tracking: true });
    expect(t.issue()).toMatchObject({ title: `${key}: Card payments failing`, state: 'open', labels: expect.arrayContaining(['incident', 'sev:3']) });
    expect(t.issue().body).toContain(`<!-- firebreak:incident:${key} -->`);
    // The bot's own `issues.opened` webhook for it declares nothing.
    const opened = examplePayload('issues.opened');
    Object.assign(opened.repository, { full_name: 'acme/payments' });
    Object.assign(opened.issue, { number: t.number, body: t.issue().body, labels: [] });
    opened.sender.type = 'Bot';
    expect((await gh.deliver('issues', opened)).body.status).toBe('ignored: sent by a bot');

    await runIncidentUpdate(gh.system, key, msg.postStatusUpdate, { actor: carol, text: 'Card processor timing out; failing over' });
    await runIncidentUpdate(gh.system, key, msg.setSeverityUpdate, { actor: carol, severity: 'SEV1', reason: 'all regions' });
    await runIncidentUpdate(gh.system, key, msg.resolveUpdate, { actor: carol, text: 'Failover complete' });
    await eventually(async () => t.issue().state === 'closed', 15_000, 'tracking issue closed');
    expect(t.issue().labels).toContain('sev:1');
    expect(t.issue().labels).not.toContain('sev:3');
    expect(t.issue().body).toMatch(/\| Phase \| resolved \|/);
    expect(t.issue().body).toMatch(/\| Severity \| SEV1 \|/);
    expect(t.comments().some((c) => c.includes('Status update on') && c.includes('failing over'))).toBe(true);
    expect(t.comments().some((c) => c.includes(`${key} severity SEV1`))).toBe(true);
    expect(t.comments().some((c) => c.includes(`${key} is resolved`))).toBe(true);

    await runIncidentUpdate(gh.system, key, msg.reopenUpdate, { actor: carol, text: 'Errors are back' });
    await eventually(async () => t.issue().state === 'open', 15_000, 'tracking issue reopened');
    expect(gh.standin.callsTo('POST', /^\/repos\/acme\/payments\/issues$/).filter((c) => String(c.body?.title).startsWith(`${key}:`))).toHaveLength(1);
  });

  it("posts a redacted triage summary of the repository's recent deployments, releases and merged PRs", async () => {
    const { key } = await declareFromCli(['payments', 'search']);
    const entry = await eventually(async () => (await getIncidentView(gh.system, key)).timeline.find((e) => e.kind === 'context'), 15_000, 'context');
    expect(entry.text).toContain('acme/payments deployments: v2.4.0@abcdef1 to production');
    expect(entry.text).toContain('acme/payments releases: v2.4.0');
    expect(entry.text).toMatch(/#812 Retry card declines \(ask \[REDACTED:email#[0-9a-f]{8}\]\)/);
    expect(entry.text).not.toContain('v2.3.9');
    expect(entry.text).not.toContain('#790');
    expect(entry.text).not.toContain('#811');
    // acme/search answers 404 (the stand-in does not know it): reported, not fatal.
    expect(entry.text).toContain('acme/search: unavailable (GitHub answered 404)');
    const [row] = await gh.system.database.db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'context')));
    expect(row!.details).toMatchObject({ github: { repos: [{ repo: 'acme/payments', mergedPulls: [{ number: 812 }] }] } });
    const t = await trackingIssue(key);
    // Pull request titles are text people wrote: the comment quotes `#812` without linking it.
    const triage = await eventually(async () => t.comments().find((c) => c.includes(`Triage context for ${key}`) && c.includes('#\u200D812 Retry card declines')), 15_000, 'triage comment');
    expect(triage).not.toMatch(/#812/);
  });

  it('waits out a secondary rate limit as GitHub asks, then comments exactly once', async () => {
    const { key } = await declareFromCli(['payments']);
    const t = await trackingIssue(key);
    await eventually(async () => t.comments().some((c) => c.includes(`${key} is triage`)), 15_000, 'first comment');
    const throttled = (body: Record<string, unknown> | undefined) => String(body?.body).includes('Throttled but delivered');
    gh.standin.failNext('POST', new RegExp(`^/repos/acme/payments/issues/${t.number}/comments$`), secondaryRateLimit(1), 1, throttled);
    await runIncidentUpdate(gh.system, key, msg.postStatusUpdate, { actor: carol, text: 'Throttled but delivered' });
    await eventually(async () => t.comments().some((c) => c.includes('Throttled but delivered')), 20_000, 'comment after the limit');
    expect(t.comments().filter((c) => c.includes('Throttled but delivered'))).toHaveLength(1);
    const attempts = gh.standin.callsTo('POST', new RegExp(`^/repos/acme/payments/issues/${t.number}/comments$`)).filter((c) => throttled(c.body));
    expect(attempts.map((c) => c.status)).toEqual([403, 201]);
  });

  it('goes on after GitHub refuses one comment with a 422', async () => {
    const { key } = await declareFromCli(['payments']);
    const t = await trackingIssue(key);
    await eventually(async () => t.comments().some((c) => c.includes(`${key} is triage`)), 15_000, 'first comment');
    const refused = (body: Record<string, unknown> | undefined) => String(body?.body).includes('This one is refused');
    gh.standin.failNext('POST', new RegExp(`^/repos/acme/payments/issues/${t.number}/comments$`), { status: 422, body: { message: 'Validation Failed' } }, 1, refused);
    await runIncidentUpdate(gh.system, key, msg.postStatusUpdate, { actor: carol, text: 'This one is refused' });
    await runIncidentUpdate(gh.system, key, msg.postStatusUpdate, { actor: carol, text: 'This one arrives' });
    await eventually(async () => t.comments().some((c) => c.includes('This one arrives')), 15_000, 'later comment');
    expect(t.comments().some((c) => c.includes('This one is refused'))).toBe(false);
    expect(gh.standin.callsTo('POST', /\/comments$/).filter((c) => refused(c.body)).map((c) => c.status)).toEqual([422]);
    expect((await getIncidentView(gh.system, key)).phase).toBe('triage');
  });
});
