// Just-in-time access from GitHub: on an incident declared from a labelled issue, an `/incident
// access` comment gets an approval request comment on that issue, an approver answers with a
// comment, and the end is commented too. The credentials reach the requester only by Slack DM (the
// policy maps their GitHub login to a Slack ID) and appear in no GitHub call at all.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findIncidentByExternal } from '../../db/queries/links.js';
import { startAccessFrontends, type AccessFrontends } from '../helpers/access-frontends.js';
import { secretsIn } from '../helpers/access-secrets.js';
import { loginError } from '../helpers/access.js';
import { EXAMPLE_REPO, examplePayload, incidentLabeledPayload, uniqueIssueNumber } from '../helpers/github-system.js';
import { eventually } from '../helpers/system.js';

let env: AccessFrontends;

beforeAll(async () => {
  env = await startAccessFrontends();
});
afterAll(async () => {
  await env?.stop();
});

async function declareFromIssue(): Promise<{ number: number; incident: string }> {
  const number = uniqueIssueNumber();
  const payload = incidentLabeledPayload(env.github, number, { body: null });
  const res = await env.deliver('issues', payload);
  if (res.body.status !== `declaring from ${EXAMPLE_REPO}#${number}`) throw new Error(`no incident declared: ${res.body.status}`);
  // Answered once the declaration started; it links the issue before it ends.
  const incident = await eventually(() => findIncidentByExternal(env.system.database.db, 'github-issue', `${EXAMPLE_REPO}#${number}`), 30_000, 'the declared incident');
  return { number, incident };
}

async function comment(number: number, body: string, login: string): Promise<string | undefined> {
  const payload = examplePayload('issue_comment.created');
  payload.issue.number = number;
  payload.comment.body = body;
  payload.comment.id = uniqueIssueNumber();
  payload.sender.login = login;
  return (await env.deliver('issue_comment', payload)).body.status;
}

const commentsOn = (number: number) => env.github.commentsOn(EXAMPLE_REPO, number).map((c) => c.body);
const waitForComment = (number: number, pattern: RegExp, what: string) =>
  eventually(async () => commentsOn(number).find((b) => pattern.test(b)), 20_000, what);

describe('just-in-time access from GitHub', () => {
  it('comments the request, the decision and the end on the incident issue, and sends the credentials only by Slack DM', { timeout: 90_000 }, async () => {
    const { number, incident } = await declareFromIssue();

    expect(await comment(number, '/incident access db-readonly 30s checking 502s', 'Codertocat')).toBe('ran access-request');
    const reply = await waitForComment(number, /GR-\d+ is waiting for approval/, 'reply to the request');
    const grant = /(GR-\d+)/.exec(reply)![1]!;

    // The approval request, with the policy's verdict and the approver mentioned by GitHub login.
    const asked = await waitForComment(number, new RegExp(`Access request.*${grant}`), 'approval request comment');
    expect(asked).toContain('Codertocat asks for `db-readonly` for 30s');
    expect(asked).toContain('needs 1 approval(s) from team sre');
    expect(asked).toContain('@carol-gh');
    expect(asked).toContain(`/incident access approve ${grant}`);
    expect(asked).toContain('checking 502s');

    expect(await comment(number, `/incident access approve ${grant}`, 'carol-gh')).toBe('ran access-approve');
    await waitForComment(number, new RegExp(`carol-gh approved ${grant} \\(\`db-readonly\`\\) \\(1/1`), 'decision comment');

    // Codertocat came from GitHub; the policy gives their Slack ID, and only that DM has the secret.
    const dm = await eventually(
      async () => env.slack.callsTo('chat.postMessage').find((c) => c.args.channel === `D${env.slack.state.idPrefix}U0CODER` && JSON.stringify(c.args.blocks ?? []).includes('*password*')),
      20_000,
      'credentials DM to the GitHub requester',
    );
    const { password, url } = secretsIn(JSON.stringify(dm.args.blocks));
    expect(await loginError(url)).toBeUndefined();

    expect(await comment(number, `/incident access revoke ${grant} done with it`, 'Codertocat')).toBe('ran access-revoke');
    await waitForComment(number, new RegExp(`${grant} \\(db-readonly\\) revoked: done with it`), 'ended comment');
    expect(await loginError(url)).toMatch(/password authentication failed|does not exist/);

    // GitHub saw the request, decision and end, but never the secret, a credentials notice or a warning.
    expect(JSON.stringify(env.github.calls).includes(password)).toBe(false);
    expect(JSON.stringify(env.github.comments).includes(password)).toBe(false);
    expect(commentsOn(number).filter((b) => b.includes(`firebreak:${incident}:access:`))).toHaveLength(3);
    expect(env.slack.calls.filter((c) => c !== dm).some((c) => JSON.stringify(c).includes(password))).toBe(false);
  });
});
