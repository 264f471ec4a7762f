// What the intake routes and tests may know of an alert group's workflow: its ID, the signal each
// delivery arrives by (with signal-with-start) and the query showing what it decided.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActiveSuppression, AlertChange, AlertDelivery, AlertGroupNoteEvent, AlertStatus, KnownAlerts, Labels, RouteDecision, TriageDecision } from '../../domain/alerts/index.js';
import type { Actor } from '../../domain/incident.js';

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
  /** The truncatedAlerts the incident's timeline last told of (absent: none yet). */
  truncationNoted?: number;
  /** A declaration held back by a triage route or a suppression window (absent when none ever was). */
  held?: HeldDeclaration;
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
  /** An alert that fired, or the group all resolved: automation rules' alert_group_fired/_resolved. */
  alertGroup?: AlertGroupNoteEvent;
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

// Triage and suppression: what the group holds while a person decides or a window lasts.

export interface HeldDeclaration {
  /** The group's common labels when it was first held: the incident's title and the triage message. */
  labels: Labels;
  /** Changes no timeline has yet, oldest first, written once the group declares; capped. */
  changes: AlertChange[];
  /** Changes left out of `changes` by the cap (they are still in `known`). */
  dropped: number;
  /** The window holding the declaration now, if one is. */
  suppression?: ActiveSuppression & { since: string };
  /** Suppressions recorded so far; each one's audit key ends with its number. */
  suppressions: number;
  triage?: TriageState;
}

export type TriageStatus = 'pending' | 'accepted' | 'declined' | 'resolved' | 'unasked';

export interface TriageState {
  status: TriageStatus;
  /** Which question of this run: a group that resolved undecided and fires again is asked anew. */
  round: number;
  /** The message was edited to say how this round ended. */
  told?: boolean;
  /** Where the question was posted (channel ID and message ts), to edit it once decided. */
  channel?: string;
  ts?: string;
  /** Why no one could be asked (status unasked): the group then declared as a declare route would. */
  reason?: string;
  /** The decision taken, with who took it; set by the update, acted on by the workflow's loop. */
  decision?: { decision: TriageDecision; actor: Actor; at: string };
}

export interface DecideTriageInput {
  decision: TriageDecision;
  actor: Actor;
}

/** What the person who clicked is told. */
export interface DecideTriageResult {
  status: 'accepted' | 'declined';
  incident?: string;
  text: string;
}

/** Accept or Decline on a triage message; the update ID comes from the click, so a replayed click is one decision. */
export const decideTriageUpdate = defineUpdate<DecideTriageResult, [DecideTriageInput]>('decideTriage');

/** Posts the question once; `key` names the group's run, so a retried activity posts nothing more. */
export interface AlertTriagePost {
  key: string;
  /** The alert-group workflow the buttons decide on. */
  workflowId: string;
  channel: string;
  title: string;
  labels: Labels;
  service: string;
  severity: string;
  firing: number;
}

export type AlertTriagePosted = { posted: true; channel: string; ts: string } | { posted: false; reason: string };

/** The question's message edited to say how it ended; the buttons go. */
export interface AlertTriageOutcome {
  key: string;
  channel: string;
  ts: string;
  title: string;
  outcome: { kind: 'accepted'; by: Actor; incident: string } | { kind: 'declined'; by: Actor } | { kind: 'resolved' };
}
