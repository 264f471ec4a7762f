// An alert group's state and the one step that changes it: a delivery. Notes go out one at a time
// in the order changes arrived; their update IDs make a retried activity or a replay add nothing.

import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, log, patched, sleep, workflowInfo } from '@temporalio/workflow';
import {
  allResolved,
  allResolvedNote,
  alertGroupWorkflowId,
  autoMitigatedNote,
  applyAlerts,
  changeNote,
  groupTitle,
  mayDeclare,
  routeGroup,
  type AlertChange,
  type AlertDelivery,
  type Labels,
  type RouteDecision,
  type RoutingRules,
} from '../../domain/alerts/index.js';
import { SYSTEM_ACTOR, type Actor, type Severity } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import type { declareIncidentWorkflow } from '../declare/workflow.js';
import { records, timeline } from './activities.js';
import { gateDelivery, gateResume, tellOutcome } from './held.js';
import type { AlertGroupInput, AlertGroupState, AlertGroupView } from './messages.js';
import type { AlertGroupNoteEvent } from '../../domain/alerts/types.js';

/** The schema's default, for a run whose policy lost its alerts section after the group started. */
const DEFAULT_ATTACH_WINDOW_SECONDS = 2 * 3600;
/** Waits for another group's declaration of the same service before giving up (and retrying the task). */
const MAX_DECLARE_ATTEMPTS = 30;

/** Guards the auto-mitigation of routes with autoMitigate: true (older histories only noted). */
export const AUTO_MITIGATE_PATCH = 'alert-auto-mitigate';

/** Guards the note telling the incident that the sender left alerts out (older histories only logged). */
export const TRUNCATION_NOTE_PATCH = 'alert-truncation-note';

/** What a truncated delivery means for the incident: alerts it will never hear of, firing or resolving. */
export function truncationNote(left: number, tracked: number): string {
  const alerts = (n: number) => `${n} alert${n === 1 ? '' : 's'}`;
  return `Alertmanager left ${alerts(left)} out of this group's delivery (max_alerts, or past Firebreak's per-delivery limit); only the first ${alerts(tracked)} received are tracked.`;
}

/** Without an alerts section every group is only recorded. */
const NOTIFY_ONLY: RoutingRules = { routes: [], default: { action: 'notify', severity: {} } };

export class AlertGroup {
  state: AlertGroupState;

  constructor(readonly input: AlertGroupInput) {
    this.state = input.carried ?? { attached: false, known: {}, notes: 0, resolvedNoted: false, deliveries: 0, truncatedAlerts: 0 };
  }

  /** From the input rather than workflowInfo(), so a replay under any workflow ID issues the same commands. */
  get workflowId(): string {
    return alertGroupWorkflowId(this.input.source, this.input.groupKey);
  }

  /**
   * This run's chain of the group (runs continued as new share it): a later run, started after the
   * group ended, notes under update IDs of its own.
   */
  private runKey(): string {
    return `${this.workflowId}/${workflowInfo().firstExecutionRunId}`;
  }

  get resolved(): boolean {
    return allResolved(this.state.known);
  }

  view(): AlertGroupView {
    const alerts = Object.entries(this.state.known).map(([fingerprint, status]) => ({ fingerprint, status }));
    return { ...this.state, source: this.input.source, groupKey: this.input.groupKey, alerts };
  }

  async apply(delivery: AlertDelivery, policy: Policy): Promise<void> {
    const s = this.state;
    s.deliveries++;
    if (delivery.truncatedAlerts > s.truncatedAlerts) {
      s.truncatedAlerts = delivery.truncatedAlerts;
      log.warn('the sender left alerts out of a delivery', { truncatedAlerts: delivery.truncatedAlerts });
    }
    s.route ??= routeGroup(policy.alerts ?? NOTIFY_ONLY, delivery.commonLabels);
    const { changes, known } = applyAlerts(s.known, delivery.alerts);
    s.known = known;
    await this.noteTruncation();
    if (changes.length === 0) return;
    if (!mayDeclare(s.route)) {
      log.info('alert group recorded (notify route)', { route: s.route.route, changes: changes.length });
      return;
    }
    // Triage routes and suppression windows may hold the declaration (held.ts); plain declare routes go ahead.
    const gate = s.incident === undefined ? await gateDelivery(this, changes, delivery.commonLabels, policy) : undefined;
    if (gate?.hold) return;
    const released = gate?.released ?? [];
    // A group first seen resolved (or whose incident was never opened) has nothing to declare for.
    if (s.incident === undefined && released.length === 0 && !changes.some((c) => c.alert.status === 'firing')) return;
    await this.declareAndNote([...released, ...changes], delivery.commonLabels, gate?.reporter ?? SYSTEM_ACTOR, policy);
  }

  /** A held declaration going ahead without a delivery: a person accepted, or its window ended. */
  async resumeHeld(policy: Policy): Promise<void> {
    const gate = await gateResume(this, policy);
    if (!gate.hold) await this.declareAndNote(gate.released, this.state.held?.labels ?? {}, gate.reporter, policy);
    await tellOutcome(this);
  }

  /** Declares (or attaches) unless the group has its incident, then writes `changes` on its timeline. */
  private async declareAndNote(changes: AlertChange[], labels: Labels, reporter: Actor, policy: Policy): Promise<void> {
    const s = this.state;
    const route = s.route as RouteDecision & { service: string };
    s.incident ??= await this.incidentFor(route.service, route.severity, labels, policy, reporter);
    await this.noteTruncation();
    for (const change of changes) await this.note(changeNote(change), change.alert.status === 'firing' ? this.groupEvent('fired', labels) : undefined);
    await this.settleResolution(labels);
  }

  /**
   * Once per round of firing, when every alert has resolved: the route's auto-mitigation if it has
   * one and the incident is still being mitigated, else the note asking the commander. Never silent.
   */
  private async settleResolution(labels: Labels): Promise<void> {
    const s = this.state;
    if (!this.resolved) return void (s.resolvedNoted = false);
    if (s.resolvedNoted) return;
    const alertCount = Object.keys(s.known).length;
    // Histories from before auto-mitigation only noted, whatever their route said.
    const mitigated = s.route?.autoMitigate === true && patched(AUTO_MITIGATE_PATCH) && (await this.autoMitigate(alertCount));
    if (!mitigated) await this.note(allResolvedNote(alertCount), this.groupEvent('resolved', labels));
    s.resolvedNoted = true;
  }

  private async autoMitigate(alertCount: number): Promise<boolean> {
    const incident = this.state.incident!;
    const sequence = (this.state.mitigations ?? 0) + 1;
    this.state.mitigations = sequence;
    const text = autoMitigatedNote(alertCount, this.state.route!);
    const result = await timeline.markMitigatedFromAlerts({ incident, updateId: `${this.runKey()}/mitigate/${sequence}`, text });
    if (!result.mitigated) log.info('the incident did not take the auto-mitigation; noting instead', { incident, reason: result.reason });
    return result.mitigated;
  }

  /**
   * The service's open incident declared within the window, or a new one. The declaration's key
   * counts the service's alert declarations, so two groups of one service arriving together both
   * ask for the same declaration: one starts it, the other finds the workflow running, waits, and
   * attaches to the incident it declared.
   */
  private async incidentFor(service: string, severity: Severity, labels: Labels, policy: Policy, reporter: Actor): Promise<string> {
    const withinSeconds = policy.alerts?.attachWindowSeconds ?? DEFAULT_ATTACH_WINDOW_SECONDS;
    for (let attempt = 1; ; attempt++) {
      const found = await records.findOpenIncidentForService({ service, withinSeconds });
      if (found.incident !== undefined) {
        this.state.attached = true;
        return found.incident;
      }
      const idempotencyKey = `alerts:${service}:${found.alertDeclarations + 1}`;
      try {
        const result = await executeChild<typeof declareIncidentWorkflow>('declareIncidentWorkflow', {
          workflowId: `declare:${idempotencyKey}`,
          args: [
            {
              idempotencyKey,
              title: groupTitle(labels, this.input.groupKey),
              description: `Declared from alert group ${this.input.groupKey} (source ${this.input.source}); its alerts are on the timeline.`,
              severity,
              services: [service],
              source: 'alerts',
              sourceRef: this.workflowId,
              reporter,
            },
          ],
        });
        return result.key;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError) || attempt >= MAX_DECLARE_ATTEMPTS) throw err;
        await sleep('1s');
      }
    }
  }

  /** Once per increase, once the group has an incident to tell (a group that only records has none). */
  private async noteTruncation(): Promise<void> {
    const s = this.state;
    if (s.incident === undefined || s.truncatedAlerts <= (s.truncationNoted ?? 0) || !patched(TRUNCATION_NOTE_PATCH)) return;
    s.truncationNoted = s.truncatedAlerts;
    await this.note(truncationNote(s.truncatedAlerts, Object.keys(s.known).length));
  }

  /** What a note tells automation rules (an input field only: histories replay the same commands). */
  private groupEvent(event: AlertGroupNoteEvent['event'], labels: Labels): AlertGroupNoteEvent {
    return { event, group: this.input.groupKey, labels };
  }

  private async note(text: string, alertGroup?: AlertGroupNoteEvent): Promise<void> {
    const incident = this.state.incident!;
    const sequence = ++this.state.notes;
    const result = await timeline.addAlertNote({ incident, updateId: `${this.runKey()}/${sequence}`, text, ...(alertGroup ? { alertGroup } : {}) });
    if (!result.written) log.warn('the incident refused an alert note', { incident, reason: result.reason });
  }
}
