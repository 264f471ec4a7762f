import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderAccessComment } from '../../activities/github/access-notifier.js';
import { neutraliseGitHubText } from '../../domain/github/neutralise.js';
import { renderComment, renderSummary, trackingIssueBody, trackingIssueTitle } from '../../activities/github/render.js';
import { escapeSlackText } from '../../domain/slack/escape.js';
import { createRenderer } from '../../activities/slack/render.js';
import type { IncidentNotice } from '../../workflows/incident/messages.js';
import { renderCommandReply, replyText } from '../../bots/github/replies.js';
import { commandReply, ephemeral } from '../../bots/slack/render/reply.js';
import { createRedactor } from '../../domain/redact.js';
import { parsePolicy } from '../../domain/policy/index.js';
import type { GrantView } from '../../workflows/access/messages.js';
import type { IncidentView } from '../../workflows/incident/messages.js';

// Text people write, with the fragments an attacker would try mixed into arbitrary strings: Slack
// markup, GitHub mentions, references and images, HTML, entities and Firebreak's own markers.
const ATTACKS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S0EVIL|@oncall>',
  '<@U0EVIL>',
  '<@W0EVIL|boss>',
  '<#C0EVIL>',
  '<https://evil.example/login|Reset your password>',
  '<mailto:x@evil.example>',
  '&lt;!channel&gt;',
  '@org/team',
  '@mallory',
  '(@mallory)',
  'x-@mallory',
  '#12',
  'acme/payments#7',
  'mallory#3',
  'GH-3',
  'gh-44',
  '![x](http://evil.example/x.png)',
  '![x][ref]\n\n[ref]: http://evil.example/y.png',
  '<img src="http://evil.example/z.png">',
  '<IMG SRC=http://evil.example/z.png>',
  '<picture><source srcset="http://evil.example/p.png"></picture>',
  '&#64;mallory',
  '&#x40;mallory',
  '&commat;mallory',
  '&#35;12',
  '<!-- firebreak:incident:INC-1 -->',
  '<!-- firebreak:INC-1:INC-1:3 -->',
  '<!-- firebreak:summary:end -->',
  '<!-- firebreak:reply -->',
  '[REDACTED:email#12345678]',
  // Redaction turns this into `![REDACTED:github-token](…)`: an image, unless neutralised after.
  '!ghp_R7d2Kq9ZxW3mN8bV1cT6yH4uJ0pL5sA2eF9g(http://evil.example/t.png)',
  '<ops@example.com>',
  '`',
  '```',
  '|',
  '\n',
  '<',
  '>',
  '&',
  '!',
  '[',
  '@',
  '#',
];

const userText = fc
  .array(fc.oneof(fc.constantFrom(...ATTACKS), fc.string({ maxLength: 12 }), fc.constantFrom(' ', '', '-', '(', 'x', '1', 'é')), { maxLength: 12 })
  .map((parts) => parts.join(''));

const redactor = createRedactor();

function view(title: string, text: string, name: string): IncidentView {
  return {
    key: 'INC-42',
    title,
    description: text,
    severity: 'SEV2',
    phase: 'mitigating',
    services: ['payments'],
    roles: { commander: { source: 'slack', id: 'U0BOB', name: 'bob' }, scribe: { source: 'github', id: 'carol-gh', name } },
    source: 'slack',
    reporter: { source: 'cli', id: 'dave', name },
    declaredAt: '2026-01-01T10:00:00.000Z',
    lastStatusUpdateAt: '2026-01-01T10:00:00.000Z',
    statusUpdateDueAt: '2026-01-01T10:30:00.000Z',
    timeline: [{ at: '2026-01-01T10:05:00.000Z', kind: 'status_update', actor: { source: 'cli', id: 'dave', name }, text }],
    grants: [{ id: 'GR-1', status: 'pending_approval', summary: text }],
    sandboxes: [{ id: 'SBX-1', status: 'ready', summary: text }],
    flagChanges: [{ id: 'smart-retries@production', status: 'awaiting decision', summary: text }],
    actionItems: [],
    continuedAsNewCount: 0,
  } as unknown as IncidentView;
}

// ---- Slack ---------------------------------------------------------------------------------------

// Firebreak's own Slack markup: the commander's mention, the channel, dates and the dashboard link.
const OWN_SLACK_MARKUP = [/^<@U0BOB>/, /^<#C0CHAN>/, /^<!date\^\d+\^\{[a-z_ {}]+\}\|[0-9T:.Z-]+>/, /^<https:\/\/firebreak\.example\.com\/incidents\/INC-42\|dashboard>/];

/** Every `<` in Slack output must open Firebreak's own markup; anything else would be live user markup. */
function liveSlackMarkup(rendered: unknown): string[] {
  const strings: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(rendered);
  const live: string[] = [];
  for (const s of strings) {
    for (let i = s.indexOf('<'); i >= 0; i = s.indexOf('<', i + 1)) {
      const rest = s.slice(i);
      if (!OWN_SLACK_MARKUP.some((own) => own.test(rest))) live.push(rest.slice(0, 40));
    }
  }
  return live;
}

describe('Slack output', () => {
  const render = createRenderer(redactor, 'https://firebreak.example.com');

  it('escapes to text Slack cannot read as markup, and shows it as typed', () => {
    fc.assert(
      fc.property(userText, (text) => {
        const escaped = escapeSlackText(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(escaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toBe(text);
      }),
    );
  });

  it('never renders a live mention, channel, user group or link from a title, note or name', () => {
    fc.assert(
      fc.property(userText, userText, userText, (title, text, name) => {
        const v = view(title, text, name);
        const actor = { source: 'cli' as const, id: 'dave', name };
        const rendered = [
          render.summaryText(v),
          render.summaryBlocks(v, 'C0CHAN'),
          render.announcement(v, 'C0CHAN'),
          render.announcement(v, 'C0CHAN', text),
          ...(['status_update', 'note', 'reminder', 'context', 'phase'] as const).map((kind) => render.eventLine(kind, text, actor, v.key)),
          render.eventLine('note', text, { source: 'slack', id: 'U0BOB' }, v.key),
          render.flagQuestionBlocks(v, text),
          ephemeral(text),
          commandReply({ ok: true, text, incident: v.key, view: v }, 'declare', redactor),
          commandReply({ ok: true, text, incident: v.key, view: v }, 'status', redactor),
          commandReply({ ok: false, text }, 'note', redactor),
        ];
        expect(liveSlackMarkup(rendered)).toEqual([]);
      }),
    );
  });
});

// ---- GitHub --------------------------------------------------------------------------------------

const PLACEHOLDER = /\[REDACTED:[A-Za-z0-9_.-]{1,64}(?:#[0-9a-f]{8})?\]/g;

/** What GitHub would read as live in Markdown that came from people. */
function liveGitHub(text: string): string[] {
  const outside = text.replace(PLACEHOLDER, ' ');
  const found: string[] = [];
  const checks: [string, RegExp][] = [
    ['mention', /(?<![A-Za-z0-9_])@[A-Za-z0-9]/],
    ['reference', /#\d/],
    ['GH reference', /(?<![A-Za-z0-9_])gh-\d/i],
    ['image', /!\[/],
    ['HTML', /<[A-Za-z!/?]/],
    ['entity', /&(#|[A-Za-z][A-Za-z0-9]*;)/],
    ['marker', /<!--\s*firebreak/i],
  ];
  for (const [what, pattern] of checks) if (pattern.test(outside)) found.push(`${what}: ${JSON.stringify(outside.slice(0, 80))}`);
  return found;
}

/** Firebreak's own lines (its hidden markers, the reply's mention, its `<details>`) are not user text. */
const withoutOwnMarkup = (text: string) =>
  text
    .replace(/^<!-- firebreak:[A-Za-z0-9:_-]+ -->\n/, '')
    .replace(/<!-- firebreak:summary:(start|end) -->/g, '')
    .replace(/^@(alice-gh|bob-gh) /, '')
    .replace(/<\/?(details|summary)>/g, '');

describe('GitHub output', () => {
  it('leaves nothing a person typed live: no mention, reference, image, HTML, entity or marker', () => {
    fc.assert(
      fc.property(userText, (text) => {
        expect(liveGitHub(neutraliseGitHubText(text))).toEqual([]);
      }),
    );
  });

  it('changes only what could start something live, so text reads as typed', () => {
    fc.assert(
      fc.property(userText, (text) => {
        expect(neutraliseGitHubText(text).replace(/\u200D/g, '')).toBe(text.replace(/\u200D/g, ''));
      }),
    );
  });

  it('is stable when applied twice, so composing neutralised text never changes it again', () => {
    fc.assert(
      fc.property(userText, (text) => {
        const once = neutraliseGitHubText(text);
        expect(neutraliseGitHubText(once)).toBe(once);
      }),
    );
  });

  it('keeps redaction placeholders whole, so one value has one token on every path', () => {
    const token = '[REDACTED:email#12345678]';
    expect(neutraliseGitHubText(`mail ${token} now`)).toBe(`mail ${token} now`);
    expect(neutraliseGitHubText(`![REDACTED:x](http://e/x.png)`)).not.toContain('![');
  });

  it('renders titles, bodies, summaries and comments without live user text', () => {
    const notice = (v: IncidentView, kind: IncidentNotice['kind'], text: string): IncidentNotice => ({ incident: v.key, eventKey: `${v.key}:7`, kind, text, view: v });
    fc.assert(
      fc.property(userText, userText, userText, (title, text, name) => {
        const v = view(title, text, name);
        const outputs = [
          trackingIssueTitle(v, redactor),
          trackingIssueBody(v, { slack: 'channel C0CHAN' }, redactor).split('\n').slice(1).join('\n'),
          renderSummary(v, {}, redactor),
          ...(['phase', 'severity', 'status_update', 'context', 'role'] as const).map((kind) => renderComment(notice(v, kind, text), redactor)),
          replyText('alice-gh', text),
          renderCommandReply('alice-gh', { ok: true, text, incident: v.key, view: v }),
          renderCommandReply('alice-gh', { ok: false, text }),
        ];
        for (const output of outputs) expect(liveGitHub(withoutOwnMarkup(output)), output).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('mentions the approvers it means to, and nobody a requester names', () => {
    const policy = parsePolicy(readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8'), 'test/fixtures/policy.yaml');
    fc.assert(
      fc.property(userText, userText, (reason, name) => {
        const grant = {
          grant: 'GR-1',
          incident: 'INC-42',
          capabilities: ['read-logs'],
          durationSeconds: 600,
          requester: { source: 'cli', id: 'dave', name },
          reason,
          escalation: 0,
          approvals: [],
          status: 'pending_approval',
        } as unknown as GrantView;
        const comment = renderAccessComment(policy, { kind: 'approval_requested', incident: 'INC-42', key: 'GR-1:1', grant: 'GR-1', view: grant, approvers: ['bob'] } as never);
        expect(comment).toContain('@bob-gh');
        expect(liveGitHub(comment.replace('@bob-gh', ''))).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
