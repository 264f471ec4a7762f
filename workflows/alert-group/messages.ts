// What the intake routes and tests may know of an alert group's workflow: its ID, the signal each
// delivery arrives by (with signal-with-start) and the query showing what it decided.

import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AlertDelivery, AlertStatus, KnownAlerts, RouteDecision } from '../../domain/alerts/index.js';

export { alertGroupWorkflowId, ALERT_GROUP_WORKFLOW_PREFIX } from '../../domain/alerts/index.js';

export interface AlertGroupInput {
  source: string;
  groupKey: string;
  /** What a run that continued as new hands over. */
  carried?: AlertGroupState;
}

export interface AlertGroupState {
  route?: RouteDecision;
  /** The incident this group writes to, once it has declared or attached. */
  incident?: string;
  /** True when the group found the service's open incident rather than declaring one. */
  attached: boolean;
  known: KnownAlerts;
  /** Notes sent so far; each note's update ID ends with its number. */
  notes: number;
  /** The "all resolved" note was written (or the incident auto-mitigated) for the current round of firing. */
  resolvedNoted: boolean;
  /** Auto-mitigations asked of the incident so far; each one's update ID ends with its number. Absent before any. */
  mitigations?: number;
  deliveries: number;
  /** The most alerts a sender said it left out of one delivery. */
  truncatedAlerts: number;
}

export interface AlertGroupView extends AlertGroupState {
  source: string;
  groupKey: string;
  alerts: { fingerprint: string; status: AlertStatus }[];
}

export const alertDeliverySignal = defineSignal<[AlertDelivery]>('alertDelivery');
export const alertGroupStateQuery = defineQuery<AlertGroupView>('alertGroupState');

// The alert-group workflow's activity inputs and results: in its history, so defined here.

export interface OpenIncidentQuery {
  service: string;
  /** Only incidents declared at most this long ago. */
  withinSeconds: number;
}

export interface AlertNoteInput {
  incident: string;
  /** Derived from the alert-group workflow and the note's sequence: a retried activity adds nothing. */
  updateId: string;
  text: string;
}

export interface OpenIncidentAnswer {
  /** The newest open incident of the service declared within the window. */
  incident?: string;
  /**
   * How many incidents alerts have declared for the service, ever. Groups that find no incident
   * declare under `alerts:<service>:<this + 1>`, so groups of one service firing at the same moment
   * converge on one declaration instead of racing to two.
   */
  alertDeclarations: number;
}

export type AlertNoteResult = { written: true } | { written: false; reason: string };

/** An auto-mitigation, sent as the incident's markMitigated update by the system actor. */
export interface AlertMitigationInput {
  incident: string;
  updateId: string;
  /** The timeline's line for it: what resolved and which route allowed it. */
  text: string;
}

/** Refused when the incident is past mitigating (monitoring, resolved): the group then only notes. */
export type AlertMitigationResult = { mitigated: true } | { mitigated: false; reason: string };
