// The page shell and the little pieces every page shares: navigation, tables, dates, durations.

import { formatDuration } from '../../domain/duration.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByActor } from '../../domain/policy/lookup.js';
import type { Policy } from '../../domain/policy/index.js';
import { html, type SafeHtml } from './html.js';
import type { Session } from '../session.js';

export const STYLESHEET = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #fff; -webkit-text-size-adjust: 100%; }
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; }
a { color: #0b3d91; }
:focus-visible { outline: 3px solid #0b3d91; outline-offset: 2px; }
.skip { position: absolute; left: .5rem; top: -4rem; z-index: 10; padding: .5rem .8rem; background: #fff; color: #0b3d91; border: 2px solid #0b3d91; font-weight: 600; }
.skip:focus { top: .5rem; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #1b1f24; color: #fff; }
header a { color: #fff; }
header :focus-visible { outline-color: #ffd33d; }
header nav { line-height: 1.8; }
header .who { margin-left: auto; display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; }
main { padding: 1rem 1.2rem 3rem; max-width: 1200px; }
main:focus { outline: none; }
h1, h2, p, li, dd, dt, figcaption, summary { overflow-wrap: anywhere; }
td, th { overflow-wrap: break-word; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
img, svg, video { max-width: 100%; }
input, select, textarea, button { font: inherit; max-width: 100%; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { background: #f6f8fa; }
th a.sort { color: inherit; }
tr.overdue td { background: #fff1e5; }
tr.overdue td:first-child { border-left: 4px solid #9a3412; }
.badge { display: inline-block; padding: 0 .4rem; border: 1px solid currentColor; border-radius: .3rem; font-size: .85em; font-weight: 600; }
.overdue-badge { color: #9a3412; }
form.filters { display: flex; flex-wrap: wrap; gap: .8rem; align-items: end; margin: .5rem 0 1rem; }
form.filters label { display: flex; flex-direction: column; font-size: .85em; gap: .2rem; max-width: 100%; }
form.filters label.search input { width: 18rem; }
.pager { display: flex; flex-wrap: wrap; gap: 1rem; }
.muted { color: #57606a; }
.error { color: #9a3412; font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; min-width: 0; }
figure { margin: 0 0 2rem; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
svg.chart { display: block; width: 100%; max-width: 760px; height: auto; }
svg text { font-family: system-ui, sans-serif; }
.table-scroll { max-width: 100%; overflow-x: auto; }
.signin { max-width: 28rem; margin: 3rem auto; display: flex; flex-direction: column; gap: 1rem; }
.signin input { width: 100%; padding: .4rem; }
@media (max-width: 40rem) {
  header, main { padding-left: .8rem; padding-right: .8rem; }
  header .who { margin-left: 0; }
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: .5rem; }
  form.filters label, form.filters label.search input { width: 100%; }
  table:not(.matrix), table:not(.matrix) tbody, table:not(.matrix) tr, table:not(.matrix) td { display: block; width: 100%; }
  table:not(.matrix) thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  table:not(.matrix) tr { border: 1px solid #d0d7de; border-radius: .4rem; margin-bottom: .8rem; padding: .3rem .6rem; }
  table:not(.matrix) td { border-bottom: none; padding: .2rem 0; overflow-wrap: anywhere; }
  table:not(.matrix) caption { display: block; text-align: left; font-weight: 600; }
  table:not(.matrix) td[data-label] { display: flow-root; padding-left: 9rem; }
  table:not(.matrix) td[data-label]::before { content: attr(data-label); float: left; width: 8.5rem; margin-left: -9rem; font-weight: 600; }
  tr.overdue td:first-child { border-left: none; }
  table:not(.matrix) tr.overdue { border-left: 4px solid #9a3412; background: #fff1e5; }
}
`;

export interface PageOptions {
  title: string;
  session?: Session;
  active?: 'overview' | 'incidents' | 'metrics' | 'actions' | 'charts';
}

export function page(options: PageOptions, body: SafeHtml): string {
  const { session } = options;
  const nav = (href: string, label: string, key: PageOptions['active']) =>
    html`<a href="${href}"${key === options.active ? html` aria-current="page"` : ''}>${label}</a>`;
  const who = session
    ? html`<span class="who"><span>Signed in as ${session.via === 'token' ? 'dashboard token' : session.name}</span>
        <form method="post" action="/signout"><input type="hidden" name="csrf" value="${session.csrf}"><button type="submit">Sign out</button></form></span>`
    : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Firebreak</title><link rel="stylesheet" href="/dashboard.css"></head>
<body><a class="skip" href="#content">Skip to content</a><header><strong>Firebreak</strong>${session ? html`<nav>${nav('/', 'Overview', 'overview')} · ${nav('/incidents', 'Incidents', 'incidents')} · ${nav('/incident-metrics', 'Incident metrics', 'metrics')} · ${nav('/actions', 'Action items', 'actions')} · ${nav('/charts', 'Action-item charts', 'charts')}</nav>` : ''}${who}</header>
<main id="content" tabindex="-1">${body}</main></body></html>`.value;
}

/** A person as the policy names them; never a raw Slack ID or GitHub login. */
export function personName(policy: Policy, actor: Actor | null | undefined): string {
  if (!actor) return '—';
  if (actor.source === 'system') return 'Firebreak';
  return findPersonByActor(policy, actor)?.name ?? `someone outside the policy (${actor.source})`;
}

export function dateTime(d: Date | null | undefined): string {
  return d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—';
}

export function between(from: Date | null | undefined, to: Date | null | undefined): string {
  return from && to ? formatDuration(Math.max(0, (to.getTime() - from.getTime()) / 1000)) : '—';
}

export function seconds(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : formatDuration(Math.max(0, value));
}

export function options(values: readonly string[], selected: string | undefined, anyLabel = 'any'): SafeHtml {
  return html`<option value="">${anyLabel}</option>${values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${v}</option>`)}`;
}
