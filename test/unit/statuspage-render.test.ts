import { describe, expect, it } from 'vitest';
import type { PublicIncidentWithUpdates } from '../../db/queries/statuspage.js';
import type { StatusPagePolicy } from '../../domain/policy/statuspage.js';
import { buildStatusPage } from '../../web/status/data.js';
import { escapeXml, renderStatusAtom, renderStatusHtml } from '../../web/status/render.js';
import { assertWellFormedXml } from '../helpers/statuspage.js';

const page: StatusPagePolicy = {
  title: 'Acme <status> & co',
  components: [
    { name: 'Checkout', services: ['payments'], description: 'Paying "now"' },
    { name: 'Search', services: ['search'] },
  ],
};
const now = new Date('2026-12-05T00:00:00Z');
const at = (h: number) => new Date(now.getTime() - h * 3_600_000);

function incident(key: string, status: 'open' | 'resolved', components: PublicIncidentWithUpdates['components'], text = 'Looking into it'): PublicIncidentWithUpdates {
  return {
    incidentKey: key,
    title: `Incident affecting ${Object.keys(components).join(', ')}`,
    status,
    components,
    openedAt: at(5),
    updatedAt: at(1),
    resolvedAt: status === 'resolved' ? at(1) : null,
    updates: [{ id: 1, incidentKey: key, sequence: 1, verb: 'open', text, components: [], publishedAt: at(5) }],
  };
}

describe('status page view', () => {
  it('gives each component the worst state any open public incident set, ignoring resolved ones', () => {
    const view = buildStatusPage(page, [
      incident('INC-1', 'open', { Checkout: 'degraded' }),
      incident('INC-2', 'open', { Checkout: 'major', Search: 'maintenance' }),
      incident('INC-3', 'resolved', { Search: 'operational' }),
      incident('INC-4', 'resolved', { Checkout: 'operational' }),
    ], now);
    expect(view.components.map((c) => [c.name, c.status, c.statusText])).toEqual([
      ['Checkout', 'major', 'Major outage'],
      ['Search', 'maintenance', 'Under maintenance'],
    ]);
    expect(view.status).toBe('major');
    expect(view.openIncidents.map((i) => i.id).sort()).toEqual(['INC-1', 'INC-2']);
    expect(view.history.map((i) => i.id).sort()).toEqual(['INC-3', 'INC-4']);
  });

  it('is all operational with nothing open', () => {
    const view = buildStatusPage(page, [incident('INC-3', 'resolved', { Search: 'operational' })], now);
    expect(view.statusText).toBe('All systems operational');
    expect(view.components.every((c) => c.status === 'operational')).toBe(true);
  });
});

describe('status page rendering', () => {
  const hostile = '<script>alert(1)</script> ]]> & "quoted" \u0001';
  const view = buildStatusPage(page, [incident('INC-1', 'open', { Checkout: 'partial' }, hostile), incident('INC-2', 'resolved', { Search: 'operational' })], now);

  it('escapes every text in the HTML and has no script', () => {
    const html = renderStatusHtml(view);
    expect(html).toContain('<title>Acme &lt;status&gt; &amp; co</title>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;quoted&quot;');
    expect(html).toContain('Paying &quot;now&quot;');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Partial outage');
    expect(html).toContain('Past 90 days');
  });

  it('writes a well-formed Atom feed with every text escaped and characters XML cannot hold replaced', () => {
    const atom = renderStatusAtom(view, 'https://status.example.test/');
    assertWellFormedXml(atom);
    expect(atom).toContain('<title>Acme &lt;status&gt; &amp; co</title>');
    expect(atom).toContain('<content type="text">&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;quoted&quot; \uFFFD</content>');
    expect(atom).toContain('<link href="https://status.example.test/status#INC-1"/>');
    expect(atom.match(/<entry>/g)).toHaveLength(2);
    expect(escapeXml("a'b\uD800c")).toBe('a&apos;b\uFFFDc');
  });

  it('catches unescaped XML in the well-formedness check itself', () => {
    expect(() => assertWellFormedXml('<feed><title>a & b</title></feed>')).toThrow();
    expect(() => assertWellFormedXml('<feed><title>a <b</title></feed>')).toThrow();
    expect(() => assertWellFormedXml('<feed><title>ok</feed>')).toThrow();
  });
});
