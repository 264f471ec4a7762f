// The "Links" line under an incident's title: its Slack channel, GitHub issue and postmortem
// document. Only http(s) addresses become links, and none sends a Referer (the dashboard's paths
// name private incidents).

import type { IncidentLinkRow, PostmortemRow } from '../../db/schema/index.js';
import { html, type SafeHtml } from '../render/html.js';

interface OutsideLink {
  text: string;
  href: string;
}

const WEB_URL = /^https?:\/\//;
const ISSUE_REF = /^([\w.-]+\/[\w.-]+)#(\d+)$/;

/** A URL the integration stored with the link wins; else the address built from the reference. */
function storedUrl(row: IncidentLinkRow): string | undefined {
  const url = row.data.html_url ?? row.data.url;
  return typeof url === 'string' && WEB_URL.test(url) ? url : undefined;
}

function slackLink(row: IncidentLinkRow): OutsideLink | undefined {
  const href = storedUrl(row) ?? (/^[A-Z0-9]+$/.test(row.externalId) ? `https://slack.com/app_redirect?channel=${encodeURIComponent(row.externalId)}` : undefined);
  return href ? { text: 'Slack channel', href } : undefined;
}

function issueLink(row: IncidentLinkRow): OutsideLink | undefined {
  const ref = ISSUE_REF.exec(row.externalId);
  const href = storedUrl(row) ?? (ref ? `https://github.com/${ref[1]}/issues/${ref[2]}` : undefined);
  return href ? { text: `GitHub issue ${row.externalId}`, href } : undefined;
}

export function outsideLinks(rows: readonly IncidentLinkRow[], postmortem: PostmortemRow | undefined): OutsideLink[] {
  const byKind = (kind: string) => rows.find((r) => r.kind === kind);
  const slack = byKind('slack-channel');
  const issue = byKind('github-issue');
  const document = postmortem?.documentUrl && WEB_URL.test(postmortem.documentUrl) ? { text: 'Postmortem document', href: postmortem.documentUrl } : undefined;
  return [slack && slackLink(slack), issue && issueLink(issue), document].filter((l): l is OutsideLink => l !== undefined);
}

export function linksLine(links: readonly OutsideLink[]): SafeHtml {
  if (links.length === 0) return html``;
  return html`<p id="incident-links">Links: ${links.map((l, i) => html`${i ? ' · ' : ''}<a href="${l.href}" rel="noreferrer">${l.text}</a>`)}</p>`;
}
