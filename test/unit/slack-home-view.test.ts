// The App Home view (domain/slack/home-view.ts) and who sees which access request on it
// (domain/slack/home-approvals.ts): the buttons must be the ones the existing grant listeners parse,
// the pending requests exactly those the decision point lets the person approve.

import { describe, expect, it } from 'vitest';
import { buttonValue } from '../../bots/slack/listeners/actions/run-update.js';
import { parseGrantKey } from '../../domain/ids.js';
import { createRedactor } from '../../domain/redact.js';
import { ACCESS_ACTION_IDS, HOME_ACTION_IDS } from '../../domain/slack/action-ids.js';
import { grantsAwaiting, type PendingGrant } from '../../domain/slack/home-approvals.js';
import { guestHomeView, homeView, HOME_LIMITS, type HomeData } from '../../domain/slack/home-view.js';
import { loadTestPolicy } from '../helpers/system.js';

const redactor = createRedactor();
const options = { redact: (text: string, incident: string) => redactor.forIncident(incident).redact(text), publicUrl: 'https://firebreak.example.com' };

const data = (overrides: Partial<HomeData> = {}): HomeData => ({
  incidents: [{ key: 'INC-7', title: 'Checkout <!channel> returns 502 & <@U0BOB>', severity: 'SEV2', phase: 'mitigating', roles: ['commander', 'ops-lead'], channelId: 'C0INC7' }],
  approvals: [{ grant: 'GR-3', incident: 'INC-7', requester: 'alice', capabilities: ['db-readonly'], durationSeconds: 1800, reason: 'checking <!here> 502s', approvals: 0, quorum: 1 }],
  actionItems: [
    { key: 'ACT-1', incident: 'INC-5', text: 'Add <!channel> alerting', due: '2026-01-01', issueUrl: 'https://github.com/acme/payments/issues/9' },
    { key: 'ACT-2', incident: 'INC-7', text: 'Retry budget', due: '2026-01-05' },
  ],
  today: '2026-01-03',
  ...overrides,
});

type Element = { type: string; action_id: string; value: string; text: { text: string } };
const elementsOf = (blocks: unknown[]) => (blocks as Array<{ type: string; elements?: Element[] }>).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
const textOf = (view: { blocks: unknown[] }) => JSON.stringify(view.blocks);

describe('the App Home view', () => {
  it('shows a guest that they are not in the policy, with only the Refresh button', () => {
    const view = guestHomeView();
    expect(view.type).toBe('home');
    expect(textOf(view)).toContain("You are not in Firebreak's policy");
    expect(elementsOf(view.blocks).map((e) => e.action_id)).toEqual([HOME_ACTION_IDS.refresh]);
  });

  it('lists incidents with the roles held and links to the channel and dashboard', () => {
    const text = textOf(homeView(data(), options));
    expect(text).toContain('*INC-7* SEV2 · mitigating');
    expect(text).toContain('you are commander, ops-lead');
    expect(text).toContain('<#C0INC7>');
    expect(text).toContain('<https://firebreak.example.com/incidents/INC-7|dashboard>');
    const reporter = textOf(homeView(data({ incidents: [{ ...data().incidents[0]!, roles: [] }] }), options));
    expect(reporter).toContain('you reported it');
  });

  it("escapes every title, reason and item text, so `<!channel>` is shown, never sent", () => {
    const text = textOf(homeView(data(), options));
    expect(text).toContain('Checkout &lt;!channel&gt; returns 502 &amp; &lt;@U0BOB&gt;');
    expect(text).toContain('checking &lt;!here&gt; 502s');
    expect(text).toContain('Add &lt;!channel&gt; alerting');
    expect(text).not.toMatch(/<!channel>|<!here>|<@U0BOB>/);
  });

  it('redacts what people wrote, as other Slack output is', () => {
    const text = textOf(homeView(data({ incidents: [{ ...data().incidents[0]!, title: 'Leak of bob@example.com' }] }), options));
    expect(text).not.toContain('bob@example.com');
  });

  it("gives each waiting request the Approve and Deny buttons the grant listeners parse", () => {
    const elements = elementsOf(homeView(data(), options).blocks);
    const approve = elements.find((e) => e.action_id === ACCESS_ACTION_IDS.approve)!;
    const deny = elements.find((e) => e.action_id === ACCESS_ACTION_IDS.deny)!;
    for (const button of [approve, deny]) {
      // What run-grant-update.ts does with a click: the button's value, then the grant key in it.
      expect(parseGrantKey(buttonValue({ action: { ...button, type: 'button' } as never }) ?? '')).toBe('GR-3');
    }
    expect(elements.map((e) => e.action_id)).toEqual([HOME_ACTION_IDS.refresh, ACCESS_ACTION_IDS.approve, ACCESS_ACTION_IDS.deny]);
  });

  it('marks overdue items and links their incident and issue', () => {
    const text = textOf(homeView(data(), options));
    expect(text).toContain(':warning: overdue since 2026-01-01');
    expect(text).toContain('due 2026-01-05');
    expect(text).toContain('<https://github.com/acme/payments/issues/9|issue>');
    expect(text).toContain('<https://firebreak.example.com/incidents/INC-5|INC-5>');
  });

  it('truncates long lists with "and N more" and stays within 100 blocks', () => {
    const many = data({
      incidents: Array.from({ length: 40 }, (_, n) => ({ ...data().incidents[0]!, key: `INC-${n + 1}` })),
      approvals: Array.from({ length: 30 }, (_, n) => ({ ...data().approvals[0]!, grant: `GR-${n + 1}` })),
      actionItems: Array.from({ length: 25 }, (_, n) => ({ ...data().actionItems[1]!, key: `ACT-${n + 1}` })),
    });
    const view = homeView(many, { ...options, notice: 'GR-1 approved' });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = textOf(view);
    expect(text).toContain(`and ${40 - HOME_LIMITS.incidents} more incidents`);
    expect(text).toContain(`and ${30 - HOME_LIMITS.approvals} more requests`);
    expect(text).toContain(`and ${25 - HOME_LIMITS.actionItems} more items`);
    expect(text).not.toContain(`GR-${HOME_LIMITS.approvals + 1}"`);
  });

  it('says so when a list is empty', () => {
    const text = textOf(homeView(data({ incidents: [], approvals: [], actionItems: [] }), options));
    expect(text).toContain('None: you hold no role');
    expect(elementsOf(homeView(data({ approvals: [] }), options).blocks).map((e) => e.action_id)).toEqual([HOME_ACTION_IDS.refresh]);
  });
});

describe('access requests waiting for one person', () => {
  const policy = loadTestPolicy();
  const alice = { source: 'slack' as const, id: 'U0ALICE', name: 'alice' };
  const carol = { source: 'slack' as const, id: 'U0CAROL', name: 'carol' };
  const grant = (overrides: Partial<PendingGrant> = {}): PendingGrant => ({ grant: 'GR-1', incident: 'INC-1', requester: alice, capabilities: ['db-readonly'], approvedBy: [], ...overrides });

  it('are the ones the decision point lets them approve', () => {
    expect(grantsAwaiting(policy, 'carol', [grant()]).map((g) => g.grant)).toEqual(['GR-1']);
    // Not an approver of db-readonly (team sre), and never the requester.
    expect(grantsAwaiting(policy, 'bob', [grant()])).toEqual([]);
    expect(grantsAwaiting(policy, 'alice', [grant()])).toEqual([]);
    // The commander may approve a non-sensitive capability (the policy's default).
    expect(grantsAwaiting(policy, 'bob', [grant({ commander: { source: 'slack', id: 'U0BOB' } })]).map((g) => g.grant)).toEqual(['GR-1']);
  });

  it('leave the list once the quorum is met or the person has approved', () => {
    expect(grantsAwaiting(policy, 'carol', [grant({ approvedBy: [carol] })])).toEqual([]);
    const pii = grant({ capabilities: ['read-pii'], requester: { source: 'slack', id: 'U0BOB', name: 'bob' } });
    expect(grantsAwaiting(policy, 'alice', [pii]).map((g) => g.quorum)).toEqual([2]);
    expect(grantsAwaiting(policy, 'alice', [{ ...pii, approvedBy: [carol] }]).map((g) => g.grant)).toEqual(['GR-1']);
    expect(grantsAwaiting(policy, 'carol', [{ ...pii, approvedBy: [carol] }])).toEqual([]);
  });
});
