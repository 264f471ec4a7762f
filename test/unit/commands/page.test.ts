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

  it('writes back the text it reads', () => {
    for (const text of ['page payments Database down', 'page search']) {
      const parsed = command(text).command;
      expect(command(formatCommand(parsed)).command).toEqual(parsed);
    }
  });

  it('refuses a page without a service, a person or team (not built), a quoted or odd service name, and an overlong reason', () => {
    const none = error('page');
    expect(none.error).toBe('`page` needs the service to page first, as in `page payments Database down, checkout failing`.');
    expect(none.usage).toMatch(/^page SERVICE \[REASON…\]/);
    expect(error('page @alice db down').error).toMatch(/^Paging a person or team \(`@alice`\) is not built yet/);
    expect(error('page "pay ments" down').error).toMatch(/is not a service name/);
    expect(error('page pay/ments down').error).toMatch(/^`pay\/ments` is not a service name/);
    expect(error(`page payments ${'x'.repeat(501)}`).error).toBe("A page's reason may be at most 500 characters; this one is 501.");
  });

  it('is in the help', () => {
    expect(helpText()).toContain('page SERVICE [REASON…]');
    expect(helpText('page')).toBe("page SERVICE [REASON…]  — page the service's on-call through PagerDuty");
  });
});
