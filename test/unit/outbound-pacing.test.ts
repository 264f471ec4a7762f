// Write pacing that never waits inside an activity: a turn or a retryable failure saying how long
// until it, turns kept across retries, and GitHub's own Retry-After honoured for every later write.

import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubApi, github } from '../../activities/github/client.js';
import { WritePacer } from '../../activities/shared/pacing.js';
import { createLogger } from '../../platform/logger.js';
import { secondaryRateLimit, startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';
import { testTemporalLogger } from '../helpers/test-log.js';

describe('WritePacer', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('lets the first write go and tells the next how long until its turn, which it keeps', () => {
    const pacer = new WritePacer(1000, clock);
    expect(pacer.wait('a')).toBe(0);
    expect(pacer.wait('b')).toBe(1000);
    expect(pacer.wait('c')).toBe(2000);
    now += 1000;
    // b's retry comes back at its turn and goes; c still waits for its own, not a new one.
    expect(pacer.wait('b')).toBe(0);
    expect(pacer.wait('c')).toBe(1000);
    expect(pacer.wait('d')).toBe(2000);
  });

  it('holds every write, kept turns included, until the wait the sink asked for is over', () => {
    const pacer = new WritePacer(1000, clock);
    expect(pacer.wait('a')).toBe(0);
    expect(pacer.wait('b')).toBe(1000);
    pacer.block(now + 30_000);
    expect(pacer.wait('b')).toBe(30_000);
    expect(pacer.wait('c')).toBe(31_000);
    now += 30_000;
    expect(pacer.wait('b')).toBe(0);
  });

  it('counts a write made outside any activity without refusing it', () => {
    const pacer = new WritePacer(1000, clock);
    pacer.record();
    expect(pacer.wait('a')).toBe(1000);
  });
});

describe('the GitHub client in an activity', () => {
  let standin: GitHubStandIn;
  beforeAll(async () => {
    standin = await startGitHubStandIn();
    standin.seedIssue('acme/payments', { number: 1 });
  });
  afterAll(async () => {
    await standin.stop();
  });

  const api = () =>
    createGitHubApi({ auth: { kind: 'token', token: 'ghp_standin_token_0123456789' }, apiUrl: standin.url }, { logger: createLogger({ level: 'silent' }), paceWrites: { writeIntervalMs: 60_000, notifyingWriteIntervalMs: 60_000 } });
  const comment = (gh: ReturnType<typeof api>, body: string) =>
    github('commenting', async () => (await gh.forRepo('acme/payments')).rest.issues.createComment({ owner: 'acme', repo: 'payments', issue_number: 1, body }));
  const inActivity = <T>(activityId: string, work: () => Promise<T>): Promise<T> => new MockActivityEnvironment({ activityId }, { logger: testTemporalLogger() }).run(work) as Promise<T>;

  it('fails a write that must wait with a retryable failure carrying the wait, without sending it', async () => {
    const gh = api();
    await inActivity('first', () => comment(gh, 'first'));
    const sent = standin.calls.length;
    const paced = await inActivity('second', () => comment(gh, 'second')).catch((err: unknown) => err);
    expect(paced).toBeInstanceOf(ApplicationFailure);
    expect(paced).toMatchObject({ type: 'GitHubPaced', nonRetryable: false });
    expect(Number((paced as ApplicationFailure).nextRetryDelay)).toBeGreaterThan(50_000);
    expect(standin.calls.length).toBe(sent);
  });

  it("sends no write before GitHub's Retry-After is over once it refused one", async () => {
    const gh = createGitHubApi({ auth: { kind: 'token', token: 'ghp_standin_token_0123456789' }, apiUrl: standin.url }, { logger: createLogger({ level: 'silent' }) });
    standin.failNext('POST', /\/comments$/, secondaryRateLimit(120));
    const limited = await inActivity('limited', () => comment(gh, 'limited')).catch((err: unknown) => err);
    expect(limited).toMatchObject({ type: 'GitHubRateLimited', nextRetryDelay: '120s' });
    const sent = standin.calls.length;
    const held = await inActivity('other', () => comment(gh, 'other')).catch((err: unknown) => err);
    expect(held).toMatchObject({ type: 'GitHubPaced' });
    expect(Number((held as ApplicationFailure).nextRetryDelay)).toBeGreaterThan(100_000);
    expect(standin.calls.length).toBe(sent);
  });

  it('reads are never paced', async () => {
    const gh = api();
    await inActivity('write', () => comment(gh, 'write'));
    const read = await inActivity('read', async () => (await gh.forRepo('acme/payments')).rest.issues.get({ owner: 'acme', repo: 'payments', issue_number: 1 }));
    expect(read.status).toBe(200);
  });
});
