// The status page as HTML and as an Atom feed. HTML goes through the dashboard's `html` template,
// which escapes every value; the feed escapes every value for XML the same way, by construction.

import { html, type SafeHtml } from '../render/html.js';
import { COMPONENT_STATE_TEXT } from '../../domain/statuspage.js';
import type { PublicIncidentView, PublicUpdateView, StatusPageView } from './data.js';
import { HISTORY_DAYS } from './data.js';

// Styles only: the page needs no script, and its CSP forbids any.
const STYLE = `body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
.banner{padding:1rem;border-radius:.4rem;background:#e6f4ea}.banner.bad{background:#fdecea}
ul{padding-left:0;list-style:none}li{margin:.5rem 0}.state{float:right;font-weight:600}
article{border-top:1px solid #ddd;padding:.5rem 0}time{color:#555;font-size:.9em}`;

const KIND_TEXT: Record<PublicUpdateView['kind'], string> = { open: 'Investigating', update: 'Update', resolve: 'Resolved' };

function update(u: PublicUpdateView): SafeHtml {
  const states = u.components.map((c) => `${c.name}: ${COMPONENT_STATE_TEXT[c.status]}`).join(', ');
  return html`<li><strong>${KIND_TEXT[u.kind]}</strong> — ${u.text}${states ? html` <em>(${states})</em>` : ''} <time datetime="${u.publishedAt}">${u.publishedAt}</time></li>`;
}

function incident(i: PublicIncidentView): SafeHtml {
  const when = i.resolvedAt ? html`resolved <time datetime="${i.resolvedAt}">${i.resolvedAt}</time>` : html`since <time datetime="${i.openedAt}">${i.openedAt}</time>`;
  return html`<article id="${i.id}"><h3>${i.title}</h3><p>${when}</p><ul>${i.updates.map(update)}</ul></article>`;
}

export function renderStatusHtml(view: StatusPageView): string {
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${view.title}</title><style>${STYLE}</style><link rel="alternate" type="application/atom+xml" href="/status.atom" title="${view.title}"></head>
<body><h1>${view.title}</h1>
<p class="banner${view.status === 'operational' ? '' : ' bad'}">${view.statusText}</p>
<h2>Components</h2><ul>${view.components.map((c) => html`<li>${c.name}${c.description ? html` <small>${c.description}</small>` : ''}<span class="state">${c.statusText}</span></li>`)}</ul>
<h2>Current incidents</h2>${view.openIncidents.length ? view.openIncidents.map(incident) : html`<p>No incidents right now.</p>`}
<h2>Past ${HISTORY_DAYS} days</h2>${view.history.length ? view.history.map(incident) : html`<p>No incidents in the past ${HISTORY_DAYS} days.</p>`}
<p><a href="/status.json">JSON</a> · <a href="/status.atom">Atom feed</a> · updated <time datetime="${view.generatedAt}">${view.generatedAt}</time></p>
</body></html>`;
  return body.value;
}

// Characters XML 1.0 cannot carry at all, not even escaped.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

/** An Atom feed (RFC 4287) with one entry per public update, newest first. */
export function renderStatusAtom(view: StatusPageView, baseUrl: string | undefined): string {
  const entries = [...view.openIncidents, ...view.history]
    .flatMap((i) => i.updates.map((u) => ({ incident: i, update: u })))
    .sort((a, b) => (a.update.publishedAt < b.update.publishedAt ? 1 : -1));
  const link = (path: string) => (baseUrl ? `<link href="${escapeXml(`${baseUrl.replace(/\/$/, '')}${path}`)}"/>` : '');
  const updated = entries[0]?.update.publishedAt ?? view.generatedAt;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<id>urn:firebreak:status</id><title>${escapeXml(view.title)}</title><updated>${escapeXml(updated)}</updated>${link('/status')}`,
    ...entries.map(({ incident: i, update: u }) =>
      [
        '<entry>',
        `<id>urn:firebreak:status:${escapeXml(i.id)}:${u.sequence}</id>`,
        `<title>${escapeXml(`${KIND_TEXT[u.kind]}: ${i.title}`)}</title>`,
        `<updated>${escapeXml(u.publishedAt)}</updated>`,
        link(`/status#${encodeURIComponent(i.id)}`),
        `<content type="text">${escapeXml(u.text)}</content>`,
        '</entry>',
      ].join(''),
    ),
    '</feed>',
  ];
  return `${lines.join('\n')}\n`;
}
