// The sandbox's state and how a transition leaves the workflow: persisted (row + incident timeline
// + audit, key `SBX-N:<seq>`) and reported to the incident as a ChildSummary.

import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { formatDuration } from '../../domain/duration.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import type { Actor } from '../../domain/incident.js';
import { describeProvenance } from '../../domain/sandbox/provenance.js';
import { childStatusSignal } from '../incident/messages.js';
import { PolicyHolder, refuse } from '../kernel/index.js';
import { persistence } from './activities.js';
import type { SandboxChanges } from '../../domain/child-events.js';
import type { SandboxInput, SandboxStatus, SandboxView } from './messages.js';

export const LIVE: readonly SandboxStatus[] = ['provisioning', 'ready'];

export class Sandbox {
  readonly state: SandboxView;
  /** Bumped on every change the main loop must look at (expiry, teardown). */
  version = 0;
  teardownReason?: { actor: Actor; reason: string };
  /** The policy decisions use: the incident's snapshot, or loaded once for sandboxes started before it. */
  readonly policies = new PolicyHolder();
  /** Today's incident commander, kept current by the incident's signal. */
  commander?: Actor;
  private seq = 0;

  constructor(readonly input: SandboxInput) {
    this.commander = input.commander;
    this.state = {
      sandbox: input.sandbox,
      incident: input.incident,
      status: 'provisioning',
      source: input.source,
      seed: input.seed,
      requester: input.requester,
      ttlSeconds: input.ttlSeconds,
      requestedAt: new Date().toISOString(),
    };
  }

  get live(): boolean {
    return LIVE.includes(this.state.status);
  }

  view(): SandboxView {
    return JSON.parse(JSON.stringify(this.state)) as SandboxView;
  }

  refuse(type: string, message: string): never {
    return refuse(type, message);
  }

  /** A person (or the incident) asked for the end; the main loop tears down. */
  requestTeardown(actor: Actor, reason: string): void {
    this.teardownReason ??= { actor, reason };
    this.version++;
  }

  async record(action: string, actor: Actor, text: string, changes: SandboxChanges, details: Record<string, unknown> = {}): Promise<void> {
    const { input } = this;
    const first = this.seq === 0;
    await persistence.recordSandboxEvent({
      sandbox: input.sandbox,
      incident: input.incident,
      idempotencyKey: `${input.sandbox}:${this.seq++}`,
      at: new Date().toISOString(),
      actor,
      action,
      text,
      details,
      changes,
      ...(first
        ? { created: { requester: input.requester, source: input.source, seed: input.seed, ttlSeconds: input.ttlSeconds, releaseRef: input.release?.ref, recreatedFrom: input.recreatedFrom?.sandbox } }
        : {}),
    });
    Object.assign(this.state, changes);
    this.version++;
    await this.report();
  }

  summary(): string {
    const s = this.state;
    const what = `${s.source}, seed ${s.seed}, ${formatDuration(s.ttlSeconds)}`;
    if (s.status === 'ready') return `${what}: ready until ${s.expiresAt}${s.provenance ? `; ${describeProvenance(s.provenance)}` : ''}`;
    if (s.status === 'destroyed' || s.status === 'failed') return `${what}: ${s.status}${s.endReason ? ` (${s.endReason})` : ''}`;
    return `${what}: ${s.status.replace('_', ' ')}`;
  }

  /** The incident lists its children; a report that fails only costs a stale line in its summary. */
  async report(): Promise<void> {
    try {
      await getExternalWorkflowHandle(incidentWorkflowId(this.input.incident)).signal(childStatusSignal, {
        kind: 'sandbox',
        id: this.input.sandbox,
        status: this.state.status,
        summary: this.summary(),
        needsTeardown: this.live || this.state.status === 'tearing_down',
      });
    } catch (err) {
      log.warn('sandbox report to incident failed', { sandbox: this.input.sandbox, error: String(err) });
    }
  }
}
