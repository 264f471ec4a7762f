// What /status, /status.json and /status.atom show, built once from the policy's components and the
// public rows. Field names here are the JSON's: stable, documented in the README.

import type { PublicIncidentWithUpdates } from '../../db/queries/statuspage.js';
import type { StatusPagePolicy } from '../../domain/policy/statuspage.js';
import { COMPONENT_STATE_TEXT, worstState, type ComponentState } from '../../domain/statuspage.js';

export const HISTORY_DAYS = 90;

export interface PublicComponentView {
  name: string;
  description?: string;
  status: ComponentState;
  statusText: string;
}

export interface PublicUpdateView {
  sequence: number;
  kind: 'open' | 'update' | 'resolve';
  text: string;
  components: { name: string; status: ComponentState }[];
  publishedAt: string;
}

export interface PublicIncidentView {
  id: string;
  title: string;
  status: 'open' | 'resolved';
  components: { name: string; status: ComponentState }[];
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  /** Newest first. */
  updates: PublicUpdateView[];
}

export interface StatusPageView {
  title: string;
  /** The worst status of any component. */
  status: ComponentState;
  statusText: string;
  generatedAt: string;
  components: PublicComponentView[];
  openIncidents: PublicIncidentView[];
  /** Resolved in the last HISTORY_DAYS days, newest first. */
  history: PublicIncidentView[];
}

function incidentView(row: PublicIncidentWithUpdates): PublicIncidentView {
  return {
    id: row.incidentKey,
    title: row.title,
    status: row.status,
    components: Object.entries(row.components).map(([name, status]) => ({ name, status })),
    openedAt: row.openedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    updates: row.updates.map((u) => ({
      sequence: u.sequence,
      kind: u.verb,
      text: u.text,
      components: u.components.map((c) => ({ name: c.component, status: c.state })),
      publishedAt: u.publishedAt.toISOString(),
    })),
  };
}

/** A component's status is the worst any open public incident set for it. */
export function buildStatusPage(page: StatusPagePolicy, rows: PublicIncidentWithUpdates[], now: Date): StatusPageView {
  const open = rows.filter((r) => r.status === 'open');
  const components = page.components.map((c) => {
    const status = worstState(open.flatMap((r) => Object.entries(r.components).filter(([name]) => name.toLowerCase() === c.name.toLowerCase()).map(([, s]) => s)));
    return { name: c.name, ...(c.description ? { description: c.description } : {}), status, statusText: COMPONENT_STATE_TEXT[status] };
  });
  const status = worstState(components.map((c) => c.status));
  const byNewest = (a: PublicIncidentView, b: PublicIncidentView) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0);
  return {
    title: page.title,
    status,
    statusText: status === 'operational' ? 'All systems operational' : COMPONENT_STATE_TEXT[status],
    generatedAt: now.toISOString(),
    components,
    openIncidents: open.map(incidentView).sort(byNewest),
    history: rows
      .filter((r) => r.status === 'resolved')
      .map(incidentView)
      .sort((a, b) => ((a.resolvedAt ?? '') < (b.resolvedAt ?? '') ? 1 : -1)),
  };
}
