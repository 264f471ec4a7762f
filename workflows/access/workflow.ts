import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { isLiveStatus } from '../../domain/access/rules.js';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import { Grant } from './state.js';
import { registerGrantHandlers } from './handlers.js';
import type { AccessGrantInput, GrantView } from './messages.js';

type DueKind = 'escalate' | 'timeout' | 'warn' | 'expire';

/**
 * One just-in-time grant (`grant:GR-N`), a child of its incident: pending approval → active →
 * expired | revoked, or denied | timed out. Durable timers expire it even across worker restarts;
 * when the incident closes (REQUEST_CANCEL) it revokes in a scope nothing can cancel.
 */
export async function accessGrantWorkflow(input: AccessGrantInput): Promise<GrantView> {
  const g = new Grant(input);
  registerGrantHandlers(g);
  try {
    await run(g);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => g.serially(() => g.end('revoked', SYSTEM_ACTOR, `${input.incident} closed`)));
  }
  await CancellationScope.nonCancellable(() => condition(() => g.quiescent()));
  return g.view();
}

async function run(g: Grant): Promise<void> {
  const { state } = g;
  await g.serially(() => g.requested());
  if (!g.requirement().needsApproval) await g.serially(() => (isLiveStatus(state.status) ? g.activate(SYSTEM_ACTOR) : Promise.resolve()));
  else g.askApprovers(0);
  while (isLiveStatus(state.status)) {
    const seen = g.version;
    const due = nextDue(g);
    const changed = () => g.version !== seen;
    const woke = due ? await condition(changed, Math.max(due.at - Date.now(), 1)) : (await condition(changed), true);
    if (!woke && due) {
      // A decision may have landed while the timer fired; act only if this is still what is due.
      await g.serially(async () => {
        const still = nextDue(g);
        if (still && still.kind === due.kind && still.at <= Date.now()) await onDue(g, still.kind);
      });
    }
  }
}

function nextDue(g: Grant): { kind: DueKind; at: number } | undefined {
  const { state } = g;
  const access = g.policy().access;
  if (state.status === 'pending') {
    const requested = Date.parse(state.requestedAt);
    const escalate = state.escalation === 0 && g.stages().length > 1 ? [{ kind: 'escalate' as const, at: requested + access.escalateAfterSeconds * 1000 }] : [];
    return [...escalate, { kind: 'timeout' as const, at: requested + access.timeoutAfterSeconds * 1000 }].sort((a, b) => a.at - b.at)[0];
  }
  if (state.status !== 'active' || !state.expiresAt) return undefined;
  const expires = Date.parse(state.expiresAt);
  const warnAt = expires - access.warnBeforeExpirySeconds * 1000;
  const warn = g.warnedFor !== state.expiresAt && warnAt > Date.parse(state.activatedAt!) ? [{ kind: 'warn' as const, at: warnAt }] : [];
  return [...warn, { kind: 'expire' as const, at: expires }].sort((a, b) => a.at - b.at)[0];
}

async function onDue(g: Grant, kind: DueKind): Promise<void> {
  const { state } = g;
  if (kind === 'expire') return g.end('expired', SYSTEM_ACTOR, `reached its expiry at ${state.expiresAt}`);
  if (kind === 'timeout') return g.end('timed_out', SYSTEM_ACTOR, 'nobody decided in time');
  if (kind === 'warn') {
    g.warnedFor = state.expiresAt;
    g.version++;
    g.notify({ kind: 'expiring', key: g.noticeKey(`expiring:${state.expiresAt}`), expiresAt: state.expiresAt! });
    return;
  }
  state.escalation = 1;
  const approvers = g.stages()[1] ?? [];
  await g.record('escalate', SYSTEM_ACTOR, `${state.grant} escalated: nobody decided yet, now asking ${approvers.join(', ')}`, {}, { approvers });
  g.askApprovers(1);
}
