import { describe, expect, it } from 'vitest';
import { formatCommand, helpText } from '../../../domain/commands/index.js';
import { parsed, refused } from '../../helpers/grammar.js';

const command = parsed;
const error = refused;

describe('page command', () => {
  it('reads the service, then the reason', () => {
    expect(command('page payments Database down, checkout failing').command).toEqual({ kind: 'page', service: 'payments', reason: 'Database down, checkout failing' });
    expect(command('page search').command).toEqual({ kind: 'page', service: 'search' });
  });

  it('takes an incident key before or after the subcommand', () => {
    expect(command('INC-7 page payments db down')).toMatchObject({ incident: 'INC-7', command: { kind: 'page', service: 'payments' } });
    expect(command('/incident page INC-7 payments db down')).toMatchObject({ incident: 'INC-7', command: { service: 'payments', reason: 'db down' } });
  });

  it('reads @team as a team page', () => {
    expect(command('page @payments Database down').command).toEqual({ kind: 'page', team: 'payments', reason: 'Database down' });
    expect(command('INC-7 page @sre')).toMatchObject({ incident: 'INC-7', command: { kind: 'page', team: 'sre' } });
  });

  it('writes back the text it reads', () => {
    for (const text of ['page payments Database down', 'page search', 'page @payments db down', 'page @sre']) {
      const parsed = command(text).command;
      expect(command(formatCommand(parsed)).command).toEqual(parsed);
    }
  });

  it('refuses a page without a service or team, an odd team name, a quoted or odd service name, and an overlong reason', () => {
    const none = error('page');
    expect(none.error).toBe('`page` needs the service or @team to page first, as in `page payments Database down, checkout failing` or `page @payments Database down`.');
    expect(none.usage).toMatch(/^page SERVICE\|@team \[REASON…\]/);
    expect(error('page @ db down').error).toMatch(/^`@` is not a team name; page a team from the policy/);
    expect(error('page @pay/ments db down').error).toMatch(/^`@pay\/ments` is not a team name/);
    expect(error('page "pay ments" down').error).toMatch(/is not a service name/);
    expect(error('page pay/ments down').error).toMatch(/^`pay\/ments` is not a service name/);
    expect(error(`page payments ${'x'.repeat(501)}`).error).toBe("A page's reason may be at most 500 characters; this one is 501.");
  });

  it('is in the help', () => {
    expect(helpText()).toContain('page SERVICE|@team [REASON…]');
    expect(helpText('page')).toBe('page SERVICE|@team [REASON…]  — page the on-call of a service, or of every paged service a team owns (PagerDuty, the webhook pager)');
  });
});
