import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../domain/commands/index.js';
import { commandText, decodeSlackText } from '../../bots/slack/listeners/text.js';

describe('Slack command text', () => {
  it('decodes the three escaped characters once', () => {
    expect(decodeSlackText('a &amp;lt; b &lt; c &gt; d &amp; e')).toBe('a &lt; b < c > d & e');
  });

  it('strips the app mention but keeps people mentioned in the command', () => {
    expect(commandText('<@U0FIREBREAK> sev 1', 'U0FIREBREAK')).toBe('sev 1');
    expect(commandText('<@U0BOB|bob> is commander', 'U0FIREBREAK')).toBe('<@U0BOB|bob> is commander');
    const parsed = parseCommand(commandText('role commander &lt;@U0BOB|bob&gt;'));
    expect(parsed).toMatchObject({ ok: true, command: { kind: 'role', role: 'commander', person: { kind: 'slack', id: 'U0BOB' } } });
  });

  it('turns link markup back into what was typed', () => {
    expect(commandText('note see <https://status.example.com/x|status page> and <mailto:a@b.io|a@b.io>')).toBe('note see status page and a@b.io');
    expect(commandText('note <https://grafana.example.com/d/1>')).toBe('note https://grafana.example.com/d/1');
  });
});
