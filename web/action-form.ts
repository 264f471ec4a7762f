// POST /incidents/INC-N/actions: the "new action item" form. The session cookie is SameSite=Strict
// and the form echoes the session's CSRF token; the postmortem workflow does the rest.

import type { IncomingMessage } from 'node:http';
import { findPersonByHandle } from '../domain/policy/lookup.js';
import { parseIncidentKey } from '../domain/ids.js';
import { ACTION_PRIORITIES, type ActionPriority } from '../domain/postmortem.js';
import type { PageContext } from './pages/context.js';
import { constantTimeEqual } from './session.js';
import { mayWriteTo } from './pages/privacy.js';

export type ActionFormOutcome =
  | { kind: 'added'; incident: string; key: string }
  | { kind: 'invalid'; incident: string; message: string; values: Record<string, string> }
  | { kind: 'refused'; status: number; message: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function submitActionItem(ctx: PageContext, req: IncomingMessage, form: URLSearchParams | undefined): Promise<ActionFormOutcome> {
  const m = /^\/incidents\/([^/]+)\/actions$/.exec(ctx.url.pathname);
  const incident = m ? parseIncidentKey(decodeURIComponent(m[1]!)) : undefined;
  const add = ctx.deps.addActionItem;
  if (!incident || !add) return { kind: 'refused', status: 404, message: 'Nothing to post to here.' };
  if (!form) return { kind: 'refused', status: 415, message: 'Send the form as application/x-www-form-urlencoded.' };
  if (!(await mayWriteTo(ctx, incident))) return { kind: 'refused', status: 403, message: `${incident} is private; ask its commander to add you.` };
  // A bearer-token client has no CSRF token and needs none: it sends no ambient cookie.
  const cookieSession = ctx.session.csrf !== '';
  if (cookieSession && !constantTimeEqual(form.get('csrf') ?? '', ctx.session.csrf)) {
    return { kind: 'refused', status: 403, message: 'The form expired; reload the incident page and try again.' };
  }
  const origin = req.headers.origin;
  if (cookieSession && origin && ctx.deps.publicUrl && new URL(ctx.deps.publicUrl).origin !== origin) {
    return { kind: 'refused', status: 403, message: 'Forms must come from the dashboard itself.' };
  }
  const values = { text: (form.get('text') ?? '').trim(), owner: form.get('owner') ?? '', due: form.get('due') ?? '', priority: form.get('priority') ?? 'P2' };
  const invalid = (message: string): ActionFormOutcome => ({ kind: 'invalid', incident, message, values });
  if (!values.text || values.text.length > 500) return invalid('Describe the action in 1 to 500 characters.');
  if (!values.owner.trim()) return invalid('Pick an owner: every action item needs someone to do it.');
  const owner = findPersonByHandle(ctx.policy, values.owner);
  if (!owner || owner.name !== values.owner) return invalid('Pick an owner from the policy.');
  if (!DATE.test(values.due) || Number.isNaN(Date.parse(`${values.due}T00:00:00Z`))) return invalid('Give the due date as YYYY-MM-DD.');
  if (!(ACTION_PRIORITIES as readonly string[]).includes(values.priority)) return invalid('Priority is P1, P2 or P3.');
  const result = await add({
    incidentKey: incident,
    text: values.text,
    owner: owner.name,
    dueDate: values.due,
    priority: values.priority as ActionPriority,
    requestedBy: ctx.session.name,
  });
  if ('error' in result) return invalid(result.error);
  return { kind: 'added', incident, key: result.key };
}
