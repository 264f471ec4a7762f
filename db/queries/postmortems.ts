// Writes of the postmortem workflow: the postmortem row, its action items, and for each change a
// timeline row on the incident and an audit entry, exactly once per idempotency key.

import { and, asc, eq, sql } from 'drizzle-orm';
import type { ActionItemChanges, PostmortemChanges, StoredPostmortemEvent } from '../../domain/child-events.js';
import type { Database } from '../client.js';
import { actionItems, incidents, postmortems, type ActionItemRow, type PostmortemRow } from '../schema/index.js';
import { applyChildEvent } from './child-events.js';
import { allocateNumberedKey } from './numbers.js';

/** Gives an `action add` request its `ACT-N` exactly once per request key. */
export async function allocateActionItemNumber(db: Database, requestKey: string): Promise<{ item: string; created: boolean }> {
  const { key, created } = await allocateNumberedKey(db, { kind: 'action', sequence: 'action_item_number_seq', prefix: 'ACT' }, requestKey);
  return { item: key, created };
}

const date = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));
const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

function postmortemColumns(c: PostmortemChanges) {
  return defined({
    status: c.status,
    owner: c.owner,
    team: c.team,
    approver: c.approver,
    document: c.document,
    documentUrl: c.documentUrl,
    metrics: c.metrics,
    submittedAt: date(c.submittedAt),
    publishedAt: date(c.publishedAt),
    closedAt: date(c.closedAt),
  });
}

function itemColumns(c: ActionItemChanges) {
  return defined({
    status: c.status,
    owner: c.owner,
    team: c.team,
    dueDate: c.due,
    issueRef: c.issueRef,
    issueUrl: c.issueUrl,
    doneAt: date(c.doneAt),
    remindedAt: date(c.remindedAt),
    escalatedAt: date(c.escalatedAt),
  });
}

/** Applies one event; false when it was applied before (a retry). */
export async function applyPostmortemEvent(db: Database, e: StoredPostmortemEvent): Promise<boolean> {
  return applyChildEvent(
    db,
    {
      subject: e.item?.key ?? `postmortem:${e.incident}`,
      subjectField: e.item ? 'action' : 'postmortem',
      incident: e.incident,
      idempotencyKey: e.idempotencyKey,
      at: e.at,
      actor: e.actor,
      action: e.action,
      text: e.text,
      details: e.details,
      auditChanges: { ...(e.postmortem?.changes ? defined({ ...e.postmortem.changes, document: undefined }) : {}), ...(e.item?.changes ?? {}) },
    },
    async (tx, at) => {
      if (e.postmortem?.create) {
        const c = e.postmortem.create;
        await tx
          .insert(postmortems)
          .values({ incidentKey: e.incident, status: 'draft', owner: c.owner, team: c.team, dueAt: new Date(c.dueAt), metrics: c.metrics, document: c.document, createdAt: at })
          .onConflictDoNothing();
      }
      if (e.postmortem?.changes) {
        await tx.update(postmortems).set({ ...postmortemColumns(e.postmortem.changes), updatedAt: at }).where(eq(postmortems.incidentKey, e.incident));
      }
      if (e.item?.create) {
        const c = e.item.create;
        const number = Number(e.item.key.slice('ACT-'.length));
        // An item is filed against its incident's first service unless it names one, so the board's
        // Service column and filter find it (the postmortem workflow never knew the services).
        const service = c.service ?? sql`(select ${incidents.services}[1] from ${incidents} where ${incidents.key} = ${e.incident})`;
        await tx
          .insert(actionItems)
          .values({
            key: e.item.key, number, incidentKey: e.incident, text: c.text, owner: c.owner, team: c.team, service,
            priority: c.priority, dueDate: c.due, status: 'open', createdBy: c.createdBy, createdAt: at,
          })
          .onConflictDoNothing();
      }
      if (e.item?.changes) {
        await tx.update(actionItems).set({ ...itemColumns(e.item.changes), updatedAt: at }).where(eq(actionItems.key, e.item.key));
      }
    },
  );
}

export async function getPostmortem(db: Database, incident: string): Promise<PostmortemRow | undefined> {
  const [row] = await db.select().from(postmortems).where(eq(postmortems.incidentKey, incident));
  return row;
}

export async function actionItemsOf(db: Database, incident: string): Promise<ActionItemRow[]> {
  return db.select().from(actionItems).where(eq(actionItems.incidentKey, incident)).orderBy(asc(actionItems.number));
}

export type ActionListFilter =
  | { kind: 'all' }
  | { kind: 'overdue'; today: string }
  | { kind: 'owner'; owner: string }
  | { kind: 'team'; team: string };

/** Open action items for `/incident actions`, soonest due first. */
export async function listOpenActionItems(db: Database, filter: ActionListFilter, limit = 50): Promise<ActionItemRow[]> {
  const where = [eq(actionItems.status, 'open')];
  if (filter.kind === 'overdue') where.push(sql`${actionItems.dueDate} < ${filter.today}`);
  if (filter.kind === 'owner') where.push(eq(actionItems.owner, filter.owner));
  if (filter.kind === 'team') where.push(eq(actionItems.team, filter.team));
  return db.select().from(actionItems).where(and(...where)).orderBy(asc(actionItems.dueDate), asc(actionItems.number)).limit(limit);
}
