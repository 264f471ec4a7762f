// Private incidents on the dashboard: lists, the action board and its CSV show a private incident
// only to its members (the same rule as the workflow: domain/policy/privacy-rules.ts), its page
// tells anyone else only that it exists and whom to ask, and every read of one is audited. The
// shared DASHBOARD_TOKEN names nobody, so it is never a member.

import { getIncident } from '../../db/queries/incidents.js';
import { auditPrivateRead, privateIncidentFacts } from '../../db/queries/privacy.js';
import type { Actor } from '../../domain/incident.js';
import { isIncidentMember } from '../../domain/policy/privacy-rules.js';
import { findPersonByHandle } from '../../domain/policy/index.js';
import type { IncidentRow } from '../../db/schema/index.js';
import type { PageContext } from './context.js';

/** The signed-in person's policy name, or undefined for the shared token. */
function viewerName(ctx: Pick<PageContext, 'session'>): string | undefined {
  return ctx.session.via === 'slack' ? ctx.session.name : undefined;
}

/** Keys of the private incidents the signed-in person is a member of. */
export async function visiblePrivateKeys(ctx: Pick<PageContext, 'deps' | 'policy' | 'session'>): Promise<string[]> {
  const name = viewerName(ctx);
  if (name === undefined) return [];
  const all = await privateIncidentFacts(ctx.deps.db);
  return all.filter((f) => isIncidentMember(ctx.policy, f, name)).map((f) => f.key);
}

export function mayRead(ctx: Pick<PageContext, 'policy' | 'session'>, incident: IncidentRow): boolean {
  if (!incident.private) return true;
  const name = viewerName(ctx);
  return name !== undefined && isIncidentMember(ctx.policy, incident, name);
}

function viewerActor(ctx: Pick<PageContext, 'policy' | 'session'>): Actor {
  const name = viewerName(ctx);
  const person = name === undefined ? undefined : findPersonByHandle(ctx.policy, name);
  return person ? { source: 'slack', id: person.slack, name: person.name } : { source: 'system', id: 'dashboard-token', name: 'dashboard token' };
}

/** Audits one read (or refused read) of a private incident's page; public incidents write nothing. */
export async function auditRead(ctx: PageContext, incident: IncidentRow, allowed: boolean): Promise<void> {
  if (!incident.private) return;
  await auditPrivateRead(ctx.deps.db, { incident: incident.key, actor: viewerActor(ctx), via: ctx.session.via, path: ctx.url.pathname, allowed, at: ctx.now });
}

/** For writes (the action-item form): a private incident takes them from its members only. */
export async function mayWriteTo(ctx: Pick<PageContext, 'deps' | 'policy' | 'session'>, key: string): Promise<boolean> {
  const incident = await getIncident(ctx.deps.db, key);
  return incident === undefined || mayRead(ctx, incident);
}
