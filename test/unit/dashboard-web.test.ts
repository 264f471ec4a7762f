import { describe, expect, it } from 'vitest';
import { barChart, lineChart } from '../../web/render/charts.js';
import { csvCell, csvLine } from '../../web/render/csv.js';
import { parseActionQuery, parseIncidentQuery } from '../../web/render/filters.js';
import { html } from '../../web/render/html.js';
import { safeNext } from '../../web/pages/signin.js';
import { constantTimeEqual, cookieHeader, newSession, openSession, readCookie, sealSession, sessionKeys } from '../../web/session.js';

describe('CSV cells', () => {
  it('defuses formulas with a leading apostrophe', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+SUM(A1)')).toBe("'+SUM(A1)");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('quotes commas, quotes and newlines, after defusing', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvLine(['a', 1, true, null, undefined])).toBe('a,1,true,,\r\n');
  });
});

describe('session cookies', () => {
  const keys = sessionKeys('a-dashboard-token-of-some-length');
  const now = Date.parse('2026-03-18T12:00:00Z');

  it('round-trips and expires', () => {
    const session = newSession('alice', 'slack', now, 3600);
    const sealed = sealSession(keys, session);
    expect(openSession(keys, sealed, now)).toEqual(session);
    expect(openSession(keys, sealed, now + 3599_000)).toEqual(session);
    expect(openSession(keys, sealed, now + 3600_000)).toBeUndefined();
  });

  it('refuses tampering, other keys and garbage', () => {
    const sealed = sealSession(keys, newSession('token', 'token', now));
    const [body, mac] = sealed.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), name: 'carol' })).toString('base64url');
    expect(openSession(keys, `${forged}.${mac}`, now)).toBeUndefined();
    expect(openSession(sessionKeys('another-token-entirely-xx'), sealed, now)).toBeUndefined();
    expect(openSession(keys, `${body}.`, now)).toBeUndefined();
    expect(openSession(keys, 'nonsense', now)).toBeUndefined();
    expect(openSession(keys, undefined, now)).toBeUndefined();
  });

  it('gives each session its own CSRF token', () => {
    expect(newSession('a', 'token', now).csrf).not.toBe(newSession('a', 'token', now).csrf);
  });

  it('writes HttpOnly SameSite=Strict cookies and reads them back', () => {
    const header = cookieHeader('firebreak_session', 'v.m', { maxAgeSeconds: 60, secure: true });
    expect(header).toBe('firebreak_session=v.m; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure');
    expect(readCookie('a=1; firebreak_session=v.m; b=2', 'firebreak_session')).toBe('v.m');
    expect(readCookie('a=1', 'firebreak_session')).toBeUndefined();
  });

  it('compares tokens of any length', () => {
    expect(constantTimeEqual('same-token', 'same-token')).toBe(true);
    expect(constantTimeEqual('same-token', 'same-tokem')).toBe(false);
    expect(constantTimeEqual('short', 'a-much-longer-token')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});

describe('filters from query parameters', () => {
  it('reads the board filters and drops what it does not know', () => {
    const { query, filter } = parseActionQuery(new URLSearchParams('team=payments&owner=alice&service=search&status=all&overdue=1&page=3'));
    expect(query).toEqual({ team: 'payments', owner: 'alice', service: 'search', status: 'all', overdue: true, page: 3 });
    expect(filter).toMatchObject({ team: 'payments', owner: 'alice', service: 'search', status: undefined, overdue: true, limit: 50, offset: 100 });
    const odd = parseActionQuery(new URLSearchParams('team=<script>&status=weird&page=-4'));
    expect(odd.filter).toMatchObject({ team: undefined, status: 'open', overdue: false, offset: 0 });
  });

  it('reads incident filters with an inclusive end date', () => {
    const { filter } = parseIncidentQuery(new URLSearchParams('severity=SEV2&phase=resolved&service=payments&from=2026-01-01&to=2026-01-31'));
    expect(filter).toMatchObject({ severity: 'SEV2', phase: 'resolved', service: 'payments' });
    expect(filter.from?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(filter.to?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(parseIncidentQuery(new URLSearchParams('severity=SEV9&from=yesterday')).filter).toMatchObject({ severity: undefined, from: undefined });
  });
});

describe('HTML and redirects', () => {
  it('escapes every interpolation but nested templates', () => {
    const evil = '<img src=x onerror="alert(1)">';
    expect(html`<p title="${evil}">${evil}${html`<b>ok</b>`}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;<b>ok</b></p>',
    );
    expect(html`${['<a>', html`<i>`]}${null}${false}${0}`.value).toBe('&lt;a&gt;<i>0');
  });

  it('redirects after sign-in only to local paths', () => {
    expect(safeNext('/actions?team=a')).toBe('/actions?team=a');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext(undefined)).toBe('/');
  });
});

describe('charts', () => {
  it('draws one bar per series and period, with value labels and a legend', () => {
    const svg = barChart({ id: 'c', title: 'T', description: 'D', xLabels: ['a', 'b', 'c'], yLabel: 'n', series: [{ name: 'opened', values: [1, 2, 3] }, { name: 'closed', values: [0, 1, null] }] }).value;
    expect(svg.match(/<g class="bar"/g)).toHaveLength(6);
    expect(svg).toContain('url(#c-hatch)');
    expect(svg).toContain('<title id="c-t">T</title>');
    expect(svg).toContain('>opened</text>');
  });

  it('draws a marker per known point and breaks lines at gaps', () => {
    const svg = lineChart({ id: 'l', title: 'T', description: 'D', xLabels: ['a', 'b', 'c'], yLabel: 'n', series: [{ name: 'SEV1', values: [1, null, 3] }] }).value;
    expect(svg.match(/<g class="point"/g)).toHaveLength(2);
    expect(svg.match(/d="M[^"]*"/)![0].match(/M/g)).toHaveLength(2);
  });
});
