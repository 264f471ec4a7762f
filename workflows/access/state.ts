// The grant's state and its transitions. Every transition is persisted (row + incident timeline +
// audit, one transaction, key `GR-N:<seq>`), reported to the incident and announced to notifiers.

import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { approvalRequirement, escalationStages, isLiveStatus, personKey, type ApprovalRequirement, type GrantStatus } from '../../domain/access/rules.js';
import { formatDuration } from '../../domain/duration.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import { childStatusSignal } from '../incident/messages.js';
import { PolicyHolder, refuse, SerialQueue } from '../kernel/index.js';
import { grantProviders, notifications, persistence, policyLoading, revokeProviders } from './activities.js';
import type { GrantChanges } from '../../domain/child-events.js';
import type { AccessGrantInput, CapabilityTarget, CredentialRef, GrantView, PublicAccessNotice } from './messages.js';

type NoticeBody = DistributiveOmit<PublicAccessNotice, 'grant' | 'incident' | 'view'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class Grant {
  readonly state: GrantView;
  /** Bumped on every change the main loop must look at (status, expiry, escalation). */
  version = 0;
  warnedFor?: string;
  /** Today's incident commander: set at the request, then kept current by the incident's signal. */
  commander?: Actor;
  private seq = 0;
  private readonly policies: PolicyHolder;
  private readonly queue: SerialQueue;

  constructor(readonly input: AccessGrantInput) {
    // The incident hands over its policy; grants started before it did load it once.
    this.policies = new PolicyHolder(input.policySnapshot);
    this.commander = input.commander;
    this.queue = new SerialQueue(this.policies.isLoaded ? Promise.resolve() : this.policies.loadFrom(policyLoading.loadPolicy()));
    this.state = {
      grant: input.grant,
      incident: input.incident,
      requester: input.requester,
      capabilities: [...new Set(input.capabilities)],
      durationSeconds: input.durationSeconds,
      reason: input.reason,
      status: 'pending',
      quorum: 0,
      approvals: [],
      requestedAt: new Date().toISOString(),
      escalation: 0,
      credentials: [],
    };
  }

  get policyLoaded(): boolean {
    return this.policies.isLoaded;
  }

  policy(): Policy {
    return this.policies.get();
  }

  requirement(): ApprovalRequirement {
    return approvalRequirement(this.policy(), this.state.capabilities);
  }

  key(actor: Actor): string {
    return personKey(this.policy(), actor);
  }

  commanderKey(): string | undefined {
    return this.commander ? this.key(this.commander) : undefined;
  }

  stages(): string[][] {
    return escalationStages(this.policy(), this.state.capabilities, this.key(this.state.requester));
  }

  view(): GrantView {
    return JSON.parse(JSON.stringify(this.state)) as GrantView;
  }

  refuse(type: string, message: string): never {
    return refuse(type, message);
  }

  /** Handlers and timers run one at a time, so a validator's verdict still holds when its handler writes. */
  serially<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.serially(work);
  }

  /** The queue itself, for registering updates that run in it. */
  get serialQueue(): SerialQueue {
    return this.queue;
  }

  quiescent(): boolean {
    return this.queue.quiescent();
  }

  targets(): CapabilityTarget[] {
    return this.state.capabilities.map((name) => {
      const c = this.policy().capabilities[name]!;
      return { name, provider: c.provider, ...(c.postgres ? { postgres: c.postgres } : {}), ...(c.githubTeam ? { githubTeam: c.githubTeam } : {}) };
    });
  }

  summary(): string {
    const s = this.state;
    const what = `${s.capabilities.join(', ')} for ${s.requester.name ?? s.requester.id}`;
    if (s.status === 'pending') return `${what}: pending approval (${s.approvals.length}/${s.quorum})`;
    if (s.status === 'active') return `${what}: active until ${s.expiresAt}`;
    return `${what}: ${s.status.replace('_', ' ')}`;
  }

  /** Persists one transition and applies it; the row, timeline and audit entry commit together. */
  async record(action: string, actor: Actor, text: string, changes: GrantChanges = {}, details: Record<string, unknown> = {}): Promise<string> {
    const at = new Date().toISOString();
    const first = this.seq === 0;
    const s = this.state;
    await persistence.recordGrantEvent({
      grant: s.grant,
      incident: s.incident,
      idempotencyKey: `${s.grant}:${this.seq++}`,
      at,
      actor,
      action: `access.${action}`,
      text,
      details: { reason: details.reason ?? s.reason, ...details },
      changes,
      ...(first ? { created: { requester: s.requester, capabilities: s.capabilities, durationSeconds: s.durationSeconds, reason: s.reason } } : {}),
    });
    if (changes.status) s.status = changes.status as GrantStatus;
    if (changes.activatedAt) s.activatedAt = changes.activatedAt;
    if (changes.expiresAt) s.expiresAt = changes.expiresAt;
    if (changes.endedAt) s.endedAt = changes.endedAt;
    if (changes.endReason) s.endReason = changes.endReason;
    if (changes.credentialRefs) s.credentials = changes.credentialRefs as CredentialRef[];
    this.version++;
    await this.report();
    return at;
  }

  /** The incident lists its grants and tears down the live ones when it resolves. */
  async report(): Promise<void> {
    const s = this.state;
    try {
      await getExternalWorkflowHandle(incidentWorkflowId(s.incident)).signal(childStatusSignal, {
        kind: 'grant',
        id: s.grant,
        status: s.status,
        summary: this.summary(),
        needsTeardown: isLiveStatus(s.status),
      });
    } catch (err) {
      log.warn('grant status report failed', { grant: s.grant, error: String(err) });
    }
  }

  /** Notices leave in order but never hold up a decision. */
  notify(body: NoticeBody): void {
    const notice = { ...body, grant: this.state.grant, incident: this.state.incident, view: this.view() } as PublicAccessNotice;
    this.queue.sendInOrder(
      () => notifications.publishAccessNotice(notice),
      (err: unknown) => log.warn('access notice failed', { grant: this.state.grant, error: String(err) }),
    );
  }

  noticeKey(what: string): string {
    return `${this.state.grant}:${what}`;
  }

  async requested(): Promise<void> {
    const s = this.state;
    s.quorum = this.requirement().quorum;
    const who = s.requester.name ?? s.requester.id;
    await this.record('request', s.requester, `${who} requested ${s.capabilities.join(', ')} for ${formatDuration(s.durationSeconds)} as ${s.grant}: ${s.reason}`, { status: 'pending' }, {
      capabilities: s.capabilities,
      durationSeconds: s.durationSeconds,
      quorum: s.quorum,
    });
  }

  /** The clock starts here, at approval, never at the request. */
  async activate(by: Actor): Promise<void> {
    const s = this.state;
    const activatedAt = new Date().toISOString();
    const expiresAt = new Date(Date.now() + s.durationSeconds * 1000).toISOString();
    let refs: CredentialRef[];
    try {
      refs = await grantProviders.activateGrant({ grant: s.grant, incident: s.incident, requester: s.requester, targets: this.targets(), expiresAt });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      await this.end('revoked', by, `could not be granted: ${cause}`, 'activation_failed');
      return;
    }
    await this.record('activate', by, `${s.grant} active until ${expiresAt}: ${s.capabilities.join(', ')}`, { status: 'active', activatedAt, expiresAt, credentialRefs: refs }, { by, credentials: refs });
  }

  /**
   * Ends the grant. The row says so first, so introspection refuses the token at once; then the
   * providers take back what they gave, retrying until they can.
   */
  async end(status: Exclude<GrantStatus, 'pending' | 'active'>, actor: Actor, reason: string, action?: string): Promise<void> {
    const s = this.state;
    if (!isLiveStatus(s.status)) return;
    const wasActive = s.status === 'active' || action === 'activation_failed';
    const verb = { expired: 'expire', revoked: 'revoke', denied: 'deny', timed_out: 'timeout' }[status];
    s.pendingExtension = undefined;
    s.endedBy = actor;
    await this.record(action ?? verb, actor, `${s.grant} ${status.replace('_', ' ')}: ${reason}`, { status, endedAt: new Date().toISOString(), endReason: reason }, { reason, expiresAt: s.expiresAt ?? null });
    if (wasActive) await revokeProviders.deprovisionGrant({ grant: s.grant, incident: s.incident, requester: s.requester, targets: this.targets() });
    this.notify({ kind: 'ended', key: this.noticeKey(`${this.seq}:ended`), status, reason });
  }

  askApprovers(stage: number): void {
    const approvers = this.stages()[stage] ?? [];
    this.notify({ kind: 'approval_requested', key: this.noticeKey(`${this.seq}:ask:${stage}`), approvers, escalation: stage });
  }
}
