import { describe, expect, it } from 'vitest';
import { alertTriageWithoutSlack, outcomeText, questionText } from '../../activities/slack/alert-triage.js';
import { createRedactor } from '../../domain/redact.js';

const redactor = createRedactor();

describe('the triage question in Slack', () => {
  it('redacts and escapes what the alert carries', () => {
    const text = questionText(redactor, {
      title: 'Disk <!here> full',
      labels: { alertname: 'Disk', owner: 'ops@example.com', note: '<@U0ALICE> & <https://evil.example|click>' },
      service: 'payments',
      severity: 'SEV2',
      firing: 3,
    });
    expect(text).toContain('*Alert awaiting triage:* Disk &lt;!here&gt; full');
    expect(text).toContain('Service payments: 3 firing; accepting declares a SEV2 incident.');
    expect(text).not.toMatch(/<[!@#h]/);
    expect(text).not.toContain('ops@example.com');
    expect(text).toContain('&lt;@U0ALICE&gt; &amp; &lt;https://evil.example|click&gt;');
  });

  it('says who decided, mentioning only a resolved Slack user', () => {
    const base = { key: 'k', channel: 'C1', ts: '1.2', title: 'Disk <!channel>' };
    expect(outcomeText(redactor, { ...base, outcome: { kind: 'accepted', by: { source: 'slack', id: 'U0ALICE', name: 'alice' }, incident: 'INC-4' } })).toBe(
      ':white_check_mark: *Alert accepted:* Disk &lt;!channel&gt;. <@U0ALICE> declared INC-4.',
    );
    expect(outcomeText(redactor, { ...base, outcome: { kind: 'declined', by: { source: 'cli', id: 'x', name: '<!here>' } } })).toContain('&lt;!here&gt; decided it is not an incident');
    expect(outcomeText(redactor, { ...base, outcome: { kind: 'resolved' } })).toContain('resolved before anyone decided');
  });

  it('without Slack nobody can be asked', async () => {
    const none = alertTriageWithoutSlack();
    const post = { key: 'k', workflowId: 'w', channel: '#incidents', title: 't', labels: {}, service: 's', severity: 'SEV3', firing: 1 };
    expect(await none.postAlertTriage(post)).toEqual({ posted: false, reason: 'Slack is not configured, so nobody can be asked' });
  });
});
