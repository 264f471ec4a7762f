import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  activeSuppression,
  alreadyDecidedText,
  inQuietHours,
  labelsSummary,
  localClock,
  mayDeclare,
  quietHoursEnd,
  routeGroup,
  triageChannel,
  type QuietHours,
  type SuppressionWindow,
} from '../../domain/alerts/index.js';
import { parsePolicy } from '../../domain/policy/index.js';

const fixtureText = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');
const withAlerts = (alertsYaml: string) => fixtureText.replace(/\nalerts:\n[\s\S]*$/, `\nalerts:\n${alertsYaml}\n`);

function errorOf(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a policy error');
}

const at = (iso: string) => Date.parse(iso);
const paris: QuietHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '22:00', to: '07:00', timeZone: 'Europe/Paris' };

describe('quiet hours', () => {
  it('reads the wall clock of the zone', () => {
    // 2026-01-12 is a Monday; Paris is UTC+1 in winter.
    expect(localClock(at('2026-01-12T21:30:00Z'), 'Europe/Paris')).toEqual({ day: 'mon', minutes: 22 * 60 + 30 });
    expect(localClock(at('2026-01-12T23:30:00Z'), 'Europe/Paris')).toEqual({ day: 'tue', minutes: 30 });
  });

  it('crosses midnight: the morning belongs to the day the window started on', () => {
    expect(inQuietHours(paris, at('2026-01-12T20:59:00Z'))).toBe(false); // Mon 21:59
    expect(inQuietHours(paris, at('2026-01-12T21:00:00Z'))).toBe(true); // Mon 22:00
    expect(inQuietHours(paris, at('2026-01-13T05:59:00Z'))).toBe(true); // Tue 06:59
    expect(inQuietHours(paris, at('2026-01-13T06:00:00Z'))).toBe(false); // Tue 07:00
    // Friday night runs into Saturday morning; Saturday night (not listed) is not quiet.
    expect(inQuietHours(paris, at('2026-01-17T05:00:00Z'))).toBe(true); // Sat 06:00
    expect(inQuietHours(paris, at('2026-01-17T22:00:00Z'))).toBe(false); // Sat 23:00
    // Monday morning belongs to Sunday night, which is not listed.
    expect(inQuietHours(paris, at('2026-01-12T05:00:00Z'))).toBe(false); // Mon 06:00
    expect(quietHoursEnd(paris, at('2026-01-12T21:00:00Z'))).toBe(at('2026-01-13T06:00:00Z'));
  });

  it('within one day when from is before to', () => {
    const lunch: QuietHours = { days: ['sat'], from: '12:00', to: '13:30', timeZone: 'UTC' };
    expect(inQuietHours(lunch, at('2026-01-17T12:00:00Z'))).toBe(true);
    expect(inQuietHours(lunch, at('2026-01-17T13:30:00Z'))).toBe(false);
    expect(inQuietHours(lunch, at('2026-01-18T12:30:00Z'))).toBe(false);
    expect(quietHoursEnd(lunch, at('2026-01-17T12:10:30Z'))).toBe(at('2026-01-17T13:30:00Z'));
  });

  it('follows the wall clock through DST changes', () => {
    // Europe/Paris springs forward on Sunday 2026-03-29 at 02:00 (to 03:00): a window to 02:30 ends at 03:00 local, 01:00Z.
    const night: QuietHours = { days: ['sat'], from: '23:00', to: '02:30', timeZone: 'Europe/Paris' };
    expect(inQuietHours(night, at('2026-03-28T22:00:00Z'))).toBe(true); // Sat 23:00 CET
    expect(inQuietHours(night, at('2026-03-29T00:59:00Z'))).toBe(true); // Sun 01:59 CET
    expect(quietHoursEnd(night, at('2026-03-28T22:00:00Z'))).toBe(at('2026-03-29T01:00:00Z'));
    // The same 22:00–07:00 window is 21:00Z–06:00Z in winter and 20:00Z–05:00Z in summer.
    expect(inQuietHours(paris, at('2026-03-30T20:00:00Z'))).toBe(true); // Mon 22:00 CEST
    expect(quietHoursEnd(paris, at('2026-03-30T20:00:00Z'))).toBe(at('2026-03-31T05:00:00Z'));
    // Falling back on 2026-10-25 (03:00 CEST → 02:00 CET): the night is an hour longer in UTC.
    const sat: QuietHours = { days: ['sat'], from: '22:00', to: '07:00', timeZone: 'Europe/Paris' };
    expect(quietHoursEnd(sat, at('2026-10-24T20:00:00Z'))).toBe(at('2026-10-25T06:00:00Z'));
  });
});

describe('suppression windows', () => {
  const windows: SuppressionWindow[] = [
    { service: 'payments', maintenance: { from: '2026-01-10T22:00:00Z', to: '2026-01-11T02:00:00Z', reason: 'database upgrade' } },
    { service: 'payments', quietHours: { days: ['sat'], from: '23:00', to: '01:00', timeZone: 'UTC' } },
    { service: 'search', quietHours: { days: ['sat'], from: '00:00', to: '23:00', timeZone: 'UTC' } },
  ];

  it('finds the window of the service, the one ending last when several hold', () => {
    expect(activeSuppression(windows, 'payments', at('2026-01-10T21:59:59Z'))).toBeUndefined();
    expect(activeSuppression(windows, 'payments', at('2026-01-10T22:00:00Z'))).toEqual({ kind: 'maintenance', window: 0, reason: 'database upgrade', untilMs: at('2026-01-11T02:00:00Z') });
    expect(activeSuppression(windows, 'payments', at('2026-01-10T23:30:00Z'))).toMatchObject({ window: 0 });
    expect(activeSuppression(windows, 'payments', at('2026-01-11T02:00:00Z'))).toBeUndefined();
    expect(activeSuppression(windows, 'payments', at('2026-01-17T23:30:00Z'))).toMatchObject({ kind: 'quietHours', window: 1, untilMs: at('2026-01-18T01:00:00Z') });
    expect(activeSuppression(windows, 'other', at('2026-01-10T23:00:00Z'))).toBeUndefined();
  });
});

describe('triage routes and suppression in the policy', () => {
  it('parses triage routes and suppression windows', () => {
    const alerts = parsePolicy(
      withAlerts(
        [
          '  routes:',
          '    - { match: [{ label: service, op: "=", value: search }], service: search, action: triage }',
          '  default: { action: triage, service: payments }',
          '  suppress:',
          '    - { service: payments, maintenance: { from: "2026-01-10T22:00:00Z", to: "2026-01-11T02:00:00+01:00", reason: "db upgrade" } }',
          '    - { service: search, quietHours: { days: [mon, fri], from: "22:00", to: "07:00", timeZone: Europe/Paris } }',
        ].join('\n'),
      ),
      'policy.yaml',
    ).alerts!;
    expect(routeGroup(alerts, { service: 'search' })).toMatchObject({ action: 'triage', service: 'search' });
    expect(routeGroup(alerts, {})).toMatchObject({ action: 'triage', service: 'payments' });
    expect(alerts.suppress).toEqual([
      { service: 'payments', maintenance: { from: '2026-01-10T22:00:00Z', to: '2026-01-11T02:00:00+01:00', reason: 'db upgrade' } },
      { service: 'search', quietHours: { days: ['mon', 'fri'], from: '22:00', to: '07:00', timeZone: 'Europe/Paris' } },
    ]);
    expect(parsePolicy(fixtureText, 'policy.yaml').alerts!.suppress).toEqual([]);
  });

  it('names each bad window field in one clear line', () => {
    const suppress = (entry: string) => errorOf(withAlerts(`  suppress:\n    - ${entry}`));
    expect(suppress('{ service: payments, quietHours: { days: [mon], from: "22:00", to: "07:00", timeZone: Mars/Olympus } }')).toMatch(
      /alerts\.suppress\[0\]\.quietHours\.timeZone: expected an IANA time zone like "Europe\/Paris", got "Mars\/Olympus"/,
    );
    expect(suppress('{ service: payments, quietHours: { days: [monday], from: "22:00", to: "07:00", timeZone: UTC } }')).toMatch(
      /alerts\.suppress\[0\]\.quietHours\.days\[0\]: expected mon, tue, wed, thu, fri, sat, sun, got "monday"/,
    );
    expect(suppress('{ service: payments, quietHours: { days: [mon], from: "24:00", to: "07:00", timeZone: UTC } }')).toMatch(
      /quietHours\.from: expected a 24-hour time like "22:00", got "24:00"/,
    );
    expect(suppress('{ service: payments, quietHours: { days: [mon], from: "07:00", to: "07:00", timeZone: UTC } }')).toMatch(/quietHours\.to: must differ from from/);
    expect(suppress('{ service: payments, quietHours: { days: [], from: "22:00", to: "07:00", timeZone: UTC } }')).toMatch(/quietHours\.days: needs at least one day/);
    expect(suppress('{ service: payments, maintenance: { from: "2026-01-10 22:00", to: "2026-01-11T02:00:00Z", reason: x } }')).toMatch(
      /maintenance\.from: expected an ISO 8601 time with an offset/,
    );
    expect(suppress('{ service: payments, maintenance: { from: "2026-01-10T22:00:00", to: "2026-01-11T02:00:00Z", reason: x } }')).toMatch(/maintenance\.from: expected an ISO 8601 time with an offset/);
    expect(suppress('{ service: payments, maintenance: { from: "2026-01-11T22:00:00Z", to: "2026-01-11T02:00:00Z", reason: x } }')).toMatch(/maintenance\.to: must be after from/);
    expect(suppress('{ service: payments }')).toMatch(/alerts\.suppress\[0\]: needs exactly one of maintenance/);
    expect(suppress('{ service: nope, maintenance: { from: "2026-01-10T22:00:00Z", to: "2026-01-11T02:00:00Z", reason: x } }')).toMatch(
      /alerts\.suppress\[0\]\.service: service "nope" is not defined under services/,
    );
    expect(errorOf(withAlerts('  default: { action: triage }'))).toMatch(/alerts\.default\.service: missing; a default route that triages needs the service/);
    expect(errorOf(withAlerts('  default: { action: page }'))).toMatch(/expected "declare", "triage" or "notify", got "page"/);
  });
});

describe('triage vocabulary', () => {
  const policy = parsePolicy(fixtureText, 'policy.yaml');

  it('asks in the service channel, else where declarations are announced', () => {
    expect(triageChannel(policy, 'payments')).toBe('#payments');
    expect(triageChannel({ ...policy, services: { ...policy.services, quiet: { repo: 'a/b', owners: ['sre'] } } }, 'quiet')).toBe('#incidents');
  });

  it('only declare and triage routes with a service may declare', () => {
    expect(mayDeclare({ action: 'triage', service: 'payments' })).toBe(true);
    expect(mayDeclare({ action: 'notify', service: 'payments' })).toBe(false);
    expect(mayDeclare({ action: 'declare' })).toBe(false);
  });

  it('summarises labels sorted and clipped, and says who decided', () => {
    expect(labelsSummary({ b: '2', a: '1' })).toBe('a=1, b=2');
    expect(labelsSummary(Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`l${String(i).padStart(2, '0')}`, 'x'])))).toMatch(/l11=x, and 2 more$/);
    expect(alreadyDecidedText('accepted', 'alice', 'INC-3')).toBe('This alert was already accepted by alice as INC-3; nothing changed.');
    expect(alreadyDecidedText('declined', 'bob')).toMatch(/already declined by bob; nothing changed/);
  });
});
