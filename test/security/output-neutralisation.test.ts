// Text people write reaches Slack and GitHub, and must arrive there as text (issue 13, item 5):
// a title may not page a workspace or a GitHub team, embed a remote image, or carry a Firebreak
// marker that makes the next incident's mirror adopt someone else's issue. Driven over HTTP as
// Slack would send the commands; judged by what the Slack and GitHub stand-ins recorded.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLink } from '../../db/queries/links.js';
import { eventually } from '../helpers/system.js';
import { startSlackGitHubSystem, type SlackGitHubSystem } from '../helpers/slack-github-system.js';

const REPO = 'acme/payments';

let s: SlackGitHubSystem;
beforeAll(async () => {
  s = await startSlackGitHubSystem();
});
afterAll(async () => {
  await s?.stop();
});

const keyOf = (reply: string): string => {
  const key = /\b(INC-\d+)\b/.exec(reply)?.[1];
  if (!key) throw new Error(`no incident key in the reply: ${reply}`);
  return key;
};
const numberOf = (key: string) => Number(key.slice(4));

async function trackingIssueOf(key: string): Promise<number> {
  const link = await eventually(async () => findLink(s.system.database.db, key, 'github-issue'), 30_000, `the GitHub link of ${key}`);
  return Number(link.externalId.split('#')[1]);
}

/** Every string Firebreak sent GitHub: titles, bodies and comments of every write. */
const githubWrites = () =>
  s.github.calls
    .filter((c) => c.method !== 'GET')
    .flatMap((c) => [c.body?.title, c.body?.body])
    .filter((t): t is string => typeof t === 'string');

describe('a Firebreak marker in a title', () => {
  it("does not make the next incident's mirror adopt the issue that carries it", async () => {
    // Other test files declare into the same database meanwhile, so the victim may draw a number
    // past the few a title can name; then the attack is staged again (the numbers only grow).
    let attacker = '';
    let attackerIssue = 0;
    let victim = '';
    let next = 0;
    for (let attempt = 1; attempt <= 6; attempt++) {
      const probe = keyOf(await s.command('declare Probe for the next incident number sev:4 service:payments'));
      next = numberOf(probe) + 1;
      // The attacker's incident takes `next`; its title names the few incidents after it.
      const markers = [1, 2, 3].map((i) => `<!-- firebreak:incident:INC-${next + i} -->`).join(' ');
      attacker = keyOf(await s.command(`declare Innocent looking ${markers} sev:4 service:payments`));
      attackerIssue = await trackingIssueOf(attacker);
      const current = { attacker, attackerIssue };
      await eventually(async () => s.github.commentsOn(REPO, current.attackerIssue).some((c) => c.body.includes(`${current.attacker} is triage`)), 20_000, "the attacker's first comment");
      victim = keyOf(await s.command('declare Card payments failing sev:3 service:payments'));
      if (numberOf(victim) <= next + 3) break;
    }
    expect(numberOf(victim)).toBeGreaterThan(numberOf(attacker));
    // A number the attacker's title named.
    expect(numberOf(victim)).toBeLessThanOrEqual(next + 3);
    const victimIssue = await trackingIssueOf(victim);
    expect(victimIssue).not.toBe(attackerIssue);
    const opened = s.github.callsTo('POST', new RegExp(`^/repos/${REPO}/issues$`)).filter((c) => String(c.body?.title).startsWith(`${victim}:`));
    expect(opened.map((c) => c.status)).toEqual([201]);
    expect(s.github.issue(REPO, victimIssue)!.title).toBe(`${victim}: Card payments failing`);

    // A later event of the victim reaches its own issue; by then anything misrouted would have too.
    const channel = await eventually(async () => s.slack.callsTo('conversations.setTopic').find((c) => String(c.args.topic).startsWith(victim))?.args.channel as string | undefined, 20_000, "the victim's channel");
    await s.command('update Failing over to the backup processor', { channel });
    await eventually(async () => s.github.commentsOn(REPO, victimIssue).some((c) => c.body.includes('backup processor')), 20_000, "the victim's status comment");

    // What Firebreak writes about the victim: its markers, its summary heading, its comment headings.
    const aboutVictim = (text: string) =>
      [`<!-- firebreak:incident:${victim} -->`, `<!-- firebreak:${victim}:`, `🔥 ${victim}:`, `**${victim} `, `on ${victim}**`].some((s) => text.includes(s));
    const attackerPath = new RegExp(`^/repos/${REPO}/issues/${attackerIssue}(/|$)`);
    const writesToAttacker = s.github.calls.filter((c) => c.method !== 'GET' && attackerPath.test(c.path));
    expect(writesToAttacker.filter((c) => aboutVictim(JSON.stringify(c.body ?? {})))).toEqual([]);
    expect(s.github.commentsOn(REPO, attackerIssue).filter((c) => aboutVictim(c.body))).toEqual([]);
    expect(aboutVictim(s.github.issue(REPO, attackerIssue)!.body!)).toBe(false);
    // The marker Firebreak writes for the attacker is its own; the ones from the title are text.
    expect(s.github.issue(REPO, attackerIssue)!.body!.match(/<!-- firebreak:incident:/g)).toHaveLength(1);
  });
});

describe('mentions and images in a title and a note', () => {
  // Titles stop at 200 characters; the note and the status update carry the whole list.
  const TITLE_ATTACK = '<!channel> <!here> <@U0EVIL> @org/team ![x](http://evil.example/x.png)';
  const ATTACK = '<!channel> <!here> <!everyone> <@U0EVIL> <#C0EVIL> <!subteam^S0EVIL> <https://evil.example/login|Reset your password> @org/team @mallory #12 acme/payments#7 GH-3 ![x](http://evil.example/x.png) <img src="http://evil.example/y.png">';

  it('reaches Slack and GitHub as text, never as a live mention, link or image', async () => {
    const key = keyOf(await s.command(`declare Checkout down ${TITLE_ATTACK} sev:3 service:payments`));
    const issue = await trackingIssueOf(key);
    const channel = await eventually(async () => s.slack.callsTo('conversations.setTopic').find((c) => String(c.args.topic).startsWith(key))?.args.channel as string | undefined, 20_000, 'the incident channel');
    await s.command(`note seen from ${ATTACK}`, { channel });
    await s.command(`update still down ${ATTACK}`, { channel });
    await eventually(async () => s.slack.callsTo('chat.postMessage').some((c) => c.args.channel === channel && String(c.args.text).includes('still down')), 20_000, 'the status update in Slack');
    await eventually(async () => s.github.commentsOn(REPO, issue).some((c) => c.body.includes('still down')), 20_000, 'the status update on GitHub');

    const slackText = JSON.stringify(s.slack.calls.filter((c) => JSON.stringify(c.args).includes(key) || c.args.channel === channel).map((c) => c.args));
    for (const live of ['<!channel>', '<!here>', '<!everyone>', '<@U0EVIL>', '<#C0EVIL>', '<!subteam^S0EVIL>', '<https://evil.example']) {
      expect(slackText, live).not.toContain(live);
    }
    // A URL in the text stays visible as typed; Slack is asked not to fetch a preview or image for it.
    const posts = s.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel || JSON.stringify(c.args).includes(key));
    expect(posts.filter((c) => String(c.args.unfurl_links) !== 'false' || String(c.args.unfurl_media) !== 'false').map((c) => String(c.args.text).slice(0, 60))).toEqual([]);
    const topic = s.slack.callsTo('conversations.setTopic').find((c) => c.args.channel === channel)!.args.topic as string;
    expect(topic).toContain('&lt;!channel&gt;');

    const written = githubWrites().filter((t) => t.includes('Checkout down') || t.includes('still down') || t.includes(key));
    expect(written.length).toBeGreaterThan(1);
    for (const text of written) {
      expect(text).not.toMatch(/(^|[^A-Za-z0-9_])@(org|mallory)\b/);
      expect(text).not.toMatch(/!\[/);
      expect(text).not.toMatch(/<img/i);
      expect(text).not.toMatch(/(^|[^\w\]])#12\b|payments#7\b|\bGH-3\b/);
    }
  });
});
