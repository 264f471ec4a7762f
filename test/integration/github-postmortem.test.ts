// The postmortem publisher against the GitHub API stand-in and the run's Postgres: the document
// committed through the contents API, one issue per action item, issue state following the item.
// Every method is called the way a retried activity would call it, and judged by what GitHub saw.

import { randomInt } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createGitHubApi } from '../../activities/github/client.js';
import { createGitHubPostmortemPublisher } from '../../activities/github/postmortem-publisher.js';
import type { PostmortemPublisher } from '../../activities/postmortem/ports.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { incidentLinks, incidents } from '../../db/schema/index.js';
import { createRedactor } from '../../domain/redact.js';
import { createLogger } from '../../platform/logger.js';
import { secondaryRateLimit, startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';
import { uniqueIssueNumber } from '../helpers/github-system.js';

const REPO = 'acme/payments';
const DOCS_REPO = 'acme/postmortems';

let standin: GitHubStandIn;
let database: DatabaseHandle;
let publisher: PostmortemPublisher;

beforeAll(async () => {
  standin = await startGitHubStandIn();
  database = connectDatabase(inject('databaseUrl'));
  const logger = createLogger({ level: 'silent' });
  const api = createGitHubApi({ auth: { kind: 'token', token: 'ghp_standin_token_0123456789' }, apiUrl: standin.url }, { logger, paceWrites: false });
  publisher = createGitHubPostmortemPublisher({ api, db: database.db, redactor: createRedactor(), logger });
});
afterAll(async () => {
  await database?.close();
  await standin?.stop();
});

/** Incident numbers far above the sequence's, random so files sharing the database never meet. */
async function seedIncident(options: { issue?: number } = {}): Promise<string> {
  const number = 800_001 + randomInt(99_000_000);
  const key = `INC-${number}`;
  await database.db.insert(incidents).values({
    key,
    number,
    title: 'Card payments failing',
    severity: 'SEV2',
    phase: 'resolved',
    services: ['payments'],
    source: 'cli',
    reporter: { source: 'cli', id: 'carol', name: 'carol' },
    declaredAt: new Date(),
  });
  if (options.issue) await database.db.insert(incidentLinks).values({ incidentKey: key, kind: 'github-issue', externalId: `${REPO}#${options.issue}`, data: { tracking: true } });
  return key;
}

const uniqueItem = () => `ACT-${800_001 + randomInt(99_000_000)}`;
const contentsPath = (path: string) => new RegExp(`^/repos/${DOCS_REPO}/contents/${encodeURIComponent(path).replace(/%2F/g, '(/|%2F)')}$`);
const puts = (path: string) => standin.callsTo('PUT', contentsPath(path));

describe('publishDocument', () => {
  it('creates the file, updates it with its sha, and commits nothing when the content is the same', async () => {
    const path = `postmortems/INC-${randomInt(1e9)}.md`;
    const first = await publisher.publishDocument({ incident: 'INC-1', repo: DOCS_REPO, path, markdown: '# Postmortem\n\nAsk ops@example.com.\n', message: 'Postmortem draft' });
    expect(first.url).toBe(`https://github.com/${DOCS_REPO}/blob/main/${path}`);
    expect(standin.file(DOCS_REPO, path)?.content).toMatch(/^# Postmortem\n\nAsk \[REDACTED:email#[0-9a-f]{8}\]\.\n$/);
    expect(puts(path).map((c) => [c.status, c.body?.sha])).toEqual([[201, undefined]]);

    const sha = standin.file(DOCS_REPO, path)!.sha;
    const second = await publisher.publishDocument({ incident: 'INC-1', repo: DOCS_REPO, path, markdown: '# Postmortem\n\nRoot cause: a bad deploy.\n', message: 'Postmortem published' });
    expect(second.url).toBe(first.url);
    expect(puts(path).map((c) => [c.status, c.body?.sha])).toEqual([[201, undefined], [200, sha]]);
    expect(standin.file(DOCS_REPO, path)).toMatchObject({ content: '# Postmortem\n\nRoot cause: a bad deploy.\n', commits: ['Postmortem draft', 'Postmortem published'] });

    const again = await publisher.publishDocument({ incident: 'INC-1', repo: DOCS_REPO, path, markdown: '# Postmortem\n\nRoot cause: a bad deploy.\n', message: 'Postmortem published' });
    expect(again.url).toBe(first.url);
    expect(puts(path)).toHaveLength(2);
  });

  it('reads the file again and retries once when someone commits between the read and the write', async () => {
    const path = `postmortems/INC-${randomInt(1e9)}.md`;
    standin.seedFile(DOCS_REPO, path, 'old text\n');
    // Someone else commits just as our PUT arrives, so the sha we read is stale for real.
    standin.beforeNext('PUT', contentsPath(path), () => standin.seedFile(DOCS_REPO, path, 'their edit\n'));
    await publisher.publishDocument({ incident: 'INC-1', repo: DOCS_REPO, path, markdown: 'our text\n', message: 'Postmortem draft' });
    expect(puts(path).map((c) => c.status)).toEqual([409, 200]);
    expect(standin.file(DOCS_REPO, path)?.content).toBe('our text\n');
  });

  it('updates instead when the file appears between a 404 and the create (422 without sha)', async () => {
    const path = `postmortems/INC-${randomInt(1e9)}.md`;
    standin.beforeNext('PUT', contentsPath(path), () => standin.seedFile(DOCS_REPO, path, 'their edit\n'));
    await publisher.publishDocument({ incident: 'INC-1', repo: DOCS_REPO, path, markdown: 'our text\n', message: 'Postmortem draft' });
    expect(puts(path).map((c) => [c.status, c.body?.sha === undefined])).toEqual([[422, true], [200, false]]);
    expect(standin.file(DOCS_REPO, path)?.content).toBe('our text\n');
  });

  it('leaves a second conflict in a row to the activity retry', async () => {
    const path = `postmortems/INC-${randomInt(1e9)}.md`;
    standin.seedFile(DOCS_REPO, path, 'old text\n');
    standin.failNext('PUT', contentsPath(path), { status: 409, body: { message: `${path} does not match abc` } }, 2);
    const failure = await publisher.publishDocument({ incident: 'INC-1', repo: DOCS_REPO, path, markdown: 'our text\n', message: 'm' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'GitHubContentConflict', nonRetryable: false });
    await publisher.publishDocument({ incident: 'INC-1', repo: DOCS_REPO, path, markdown: 'our text\n', message: 'm' });
    expect(puts(path).map((c) => c.status)).toEqual([409, 409, 200]);
  });
});

describe('createActionIssue', () => {
  it('opens one labelled, assigned issue that links the incident issue, however often it is called', async () => {
    const incidentIssue = uniqueIssueNumber();
    const incident = await seedIncident({ issue: incidentIssue });
    const item = uniqueItem();
    const input = { incident, item, repo: REPO, title: 'Alert on card-decline ratio', body: 'Page when declines exceed 5%. Contact ops@example.com.', assignee: 'alice-gh' };
    const first = await publisher.createActionIssue(input);
    const second = await publisher.createActionIssue(input);
    expect(second).toEqual(first);
    const number = Number(first.ref.split('#')[1]);
    expect(first).toEqual({ ref: `${REPO}#${number}`, url: `https://github.com/${REPO}/issues/${number}` });

    const created = standin.callsTo('POST', new RegExp(`^/repos/${REPO}/issues$`)).filter((c) => c.body?.title === input.title);
    expect(created).toHaveLength(1);
    expect(created[0]!.body).toMatchObject({ labels: ['postmortem-action'], assignees: ['alice-gh'] });
    const issue = standin.issue(REPO, number)!;
    expect(issue.labels).toEqual(['postmortem-action']);
    expect(issue.assignees).toEqual(['alice-gh']);
    expect(issue.body).toContain(`<!-- firebreak:${incident}:action:${item} -->`);
    expect(issue.body).toContain(`${REPO}#${incidentIssue}`);
    expect(issue.body).toMatch(/\[REDACTED:email#[0-9a-f]{8}\]/);
    expect(issue.body).not.toContain('ops@example.com');
  });

  it('never adopts an issue because its body carries the item\'s marker', async () => {
    const incident = await seedIncident();
    const item = uniqueItem();
    // Anyone can write the marker into an issue; finding issues by it once cross-wired incidents.
    const planted = uniqueIssueNumber();
    standin.seedIssue(REPO, { number: planted, labels: ['postmortem-action'], body: `Looks official\n\n<!-- firebreak:${incident}:action:${item} -->`, user: 'mallory' });
    const input = { incident, item, repo: REPO, title: `Retry budget for ${item}`, body: 'Cap retries. See @org/team and #12 ![x](http://evil.example/x.png)' };
    const first = await publisher.createActionIssue(input);
    expect(first.ref).not.toBe(`${REPO}#${planted}`);
    expect(await publisher.createActionIssue(input)).toEqual(first);
    expect(standin.callsTo('POST', new RegExp(`^/repos/${REPO}/issues$`)).filter((c) => c.body?.title === input.title)).toHaveLength(1);
    expect(standin.callsTo('PATCH', new RegExp(`^/repos/${REPO}/issues/${planted}$`))).toEqual([]);
    // No incident issue: the body says where the item comes from without a link.
    const body = standin.issue(REPO, Number(first.ref.split('#')[1]))!.body!;
    expect(body).toContain(`Action item ${item} from the postmortem of ${incident}.`);
    expect(body).not.toMatch(/#\d+\)/);
    // The item's text arrives as text: no team mention, no reference, no image.
    expect(body).not.toMatch(/(^|\W)@org|#12|!\[/);
  });

  it('opens the issue unassigned when GitHub refuses the assignee', async () => {
    const incident = await seedIncident();
    standin.assignable = new Set(['alice-gh']);
    try {
      const input = { incident, item: uniqueItem(), repo: REPO, title: `Runbook ${randomInt(1e9)}`, body: 'Write it.', assignee: 'not-a-collaborator' };
      const { ref } = await publisher.createActionIssue(input);
      const attempts = standin.callsTo('POST', new RegExp(`^/repos/${REPO}/issues$`)).filter((c) => c.body?.title === input.title);
      expect(attempts.map((c) => [c.status, c.body?.assignees])).toEqual([[422, ['not-a-collaborator']], [201, undefined]]);
      expect(standin.issue(REPO, Number(ref.split('#')[1]))).toMatchObject({ assignees: [], labels: ['postmortem-action'] });
    } finally {
      standin.assignable = undefined;
    }
  });
});

describe('setIssueState', () => {
  const patches = (number: number) => standin.callsTo('PATCH', new RegExp(`^/repos/${REPO}/issues/${number}$`));

  it('closes once with one comment, and reopens', async () => {
    const number = uniqueIssueNumber();
    standin.seedIssue(REPO, { number, labels: ['postmortem-action'] });
    const ref = `${REPO}#${number}`;
    await publisher.setIssueState({ ref, state: 'closed', comment: 'Marked done by carol in Slack.' });
    await publisher.setIssueState({ ref, state: 'closed', comment: 'Marked done by carol in Slack.' });
    expect(standin.issue(REPO, number)!.state).toBe('closed');
    expect(patches(number).map((c) => c.body)).toEqual([{ state: 'closed', state_reason: 'completed' }]);
    expect(standin.commentsOn(REPO, number).map((c) => c.body)).toEqual(['Marked done by carol in Slack.']);

    await publisher.setIssueState({ ref, state: 'open' });
    expect(standin.issue(REPO, number)!.state).toBe('open');
    expect(patches(number).map((c) => c.body?.state)).toEqual(['closed', 'open']);
    expect(standin.commentsOn(REPO, number)).toHaveLength(1);
  });

  it('does not repeat its comment when the close is retried after a rate limit', async () => {
    const number = uniqueIssueNumber();
    standin.seedIssue(REPO, { number });
    const ref = `${REPO}#${number}`;
    standin.failNext('PATCH', new RegExp(`^/repos/${REPO}/issues/${number}$`), secondaryRateLimit(1));
    const failure = await publisher.setIssueState({ ref, state: 'closed', comment: 'Done.' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ type: 'GitHubRateLimited' });
    await publisher.setIssueState({ ref, state: 'closed', comment: 'Done.' });
    expect(standin.issue(REPO, number)!.state).toBe('closed');
    expect(standin.commentsOn(REPO, number).map((c) => c.body)).toEqual(['Done.']);
    expect(patches(number).map((c) => c.status)).toEqual([403, 200]);
  });

  it('refuses a reference that names no issue, for good', async () => {
    const failure = await publisher.setIssueState({ ref: 'not a ref', state: 'closed' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ type: 'InvalidIssueRef', nonRetryable: true });
  });
});
