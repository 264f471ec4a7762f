import { condition, continueAsNew, getExternalWorkflowHandle, log, workflowInfo } from '@temporalio/workflow';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { nextPostmortemDue, type PostmortemDue } from '../../domain/postmortem.js';
import { postmortemClosedSignal } from '../incident/messages.js';
import { registerPostmortemHandlers } from './handlers.js';
import type { PostmortemInput, PostmortemView } from './messages.js';
import { Postmortem } from './state.js';

const CONTINUE_AS_NEW_AFTER_EVENTS = 2000;

/**
 * A postmortem (`postmortem:INC-N`) from draft to closed: in review after `postmortem publish`,
 * published once someone other than the owner approves, closed when its last action item is done.
 * Durable timers remind owners before and after due dates and escalate to the team's manager; the
 * run continues as new when its history grows, so tracking can last for months.
 */
export async function postmortemWorkflow(input: PostmortemInput): Promise<PostmortemView> {
  const pm = new Postmortem(input);
  registerPostmortemHandlers(pm);
  await pm.start();
  while (pm.state.status !== 'closed') {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= CONTINUE_AS_NEW_AFTER_EVENTS) {
      await condition(() => pm.quiescent());
      pm.state.continuedAsNewCount++;
      await continueAsNew<typeof postmortemWorkflow>({ ...input, carried: pm.state });
    }
    const seen = pm.version;
    const due = nextPostmortemDue(pm.state, pm.timing(), Date.now());
    const changed = () => pm.version !== seen || workflowInfo().continueAsNewSuggested;
    const woke = due === undefined ? (await condition(changed), true) : await condition(changed, Math.max(due.at - Date.now(), 1));
    if (!woke && due) {
      await pm.serially(async () => {
        const still = nextPostmortemDue(pm.state, pm.timing(), Date.now());
        if (still && sameDue(still, due) && still.at <= Date.now()) await onDue(pm, still);
      });
    }
  }
  await condition(() => pm.quiescent());
  // The incident waits in its postmortem phase for this; a lost signal would keep it open forever.
  try {
    await getExternalWorkflowHandle(incidentWorkflowId(input.incident)).signal(postmortemClosedSignal, { actor: SYSTEM_ACTOR });
  } catch (err) {
    log.warn('could not tell the incident its postmortem closed', { incident: input.incident, error: String(err) });
  }
  return pm.view();
}

const sameDue = (a: PostmortemDue, b: PostmortemDue): boolean =>
  a.kind === b.kind && ('item' in a ? 'item' in b && a.item === b.item : true);

async function onDue(pm: Postmortem, due: PostmortemDue): Promise<void> {
  const { state } = pm;
  if (!('item' in due)) {
    const escalate = due.kind === 'postmortem-escalation';
    const manager = pm.manager(state.team);
    const text = escalate
      ? `The postmortem of ${pm.incident} (owner ${state.owner}) is overdue since ${state.dueAt.slice(0, 10)} and still ${state.status.replace('_', ' ')}; escalated to ${manager ?? 'nobody: the owner has no team manager'}.`
      : `The postmortem of ${pm.incident} was due ${state.dueAt.slice(0, 10)} and is still ${state.status.replace('_', ' ')}.`;
    await pm.record(SYSTEM_ACTOR, escalate ? 'postmortem.escalate' : 'postmortem.overdue', text, { details: { owner: state.owner, ...(escalate && manager ? { manager } : {}) } });
    if (escalate) state.escalatedFor = state.dueAt;
    else state.overdueNoticeFor = state.dueAt;
    pm.notifyPerson(due.kind, escalate && manager ? manager : state.owner, text);
    return;
  }
  const item = pm.item(due.item);
  const when = `${item.key} "${item.text}" (owner ${item.owner}, due ${item.due})`;
  if (due.kind === 'item-reminder') {
    const text = `Reminder: ${when} is due soon.`;
    await pm.record(SYSTEM_ACTOR, 'action.remind', text, { item: { key: item.key, changes: { remindedAt: new Date().toISOString() } } });
    item.remindedFor = item.due;
    pm.notifyPerson(`${item.key}:remind:${item.due}`, item.owner, `${text} Mark it with \`/incident action done ${item.key}\` when finished.`);
  } else if (due.kind === 'item-overdue') {
    const text = `${when} is overdue.`;
    await pm.record(SYSTEM_ACTOR, 'action.overdue', text, { item: { key: item.key, changes: { remindedAt: new Date().toISOString() } } });
    item.remindedFor = item.due;
    item.overdueNoticeFor = item.due;
    pm.notifyPerson(`${item.key}:overdue:${item.due}`, item.owner, `${text} Finish it, or agree a new date with your manager.`);
  } else {
    const manager = pm.manager(item.team);
    const text = `${when} is still open after its due date; escalated to ${manager ?? 'nobody: the owner has no team manager'}.`;
    await pm.record(SYSTEM_ACTOR, 'action.escalate', text, { item: { key: item.key, changes: { escalatedAt: new Date().toISOString() } }, details: manager ? { manager } : {} });
    item.escalatedFor = item.due;
    if (manager) pm.notifyPerson(`${item.key}:escalate:${item.due}`, manager, `Escalation: ${when} from the postmortem of ${pm.incident} is overdue.`);
  }
}

