// What every alert source (Alertmanager, the generic HTTP source) is parsed into before a workflow
// sees it, so routing, grouping and the timeline never depend on one vendor's body.

export const ALERT_SOURCE_KINDS = ['alertmanager', 'grafana', 'http'] as const;
export type AlertSourceKind = (typeof ALERT_SOURCE_KINDS)[number];

export type AlertStatus = 'firing' | 'resolved';

export type Labels = Record<string, string>;

export interface NormalisedAlert {
  /** Stable identity of one alert inside its group (Alertmanager's fingerprint, the generic deduplication_key). */
  fingerprint: string;
  status: AlertStatus;
  labels: Labels;
  annotations: Labels;
  startsAt?: string;
  endsAt?: string;
  /** Where the alert came from (Alertmanager's generatorURL, the generic source_url). */
  url?: string;
}

/** One delivery of one group: what a workflow receives per webhook call. */
export interface AlertDelivery {
  /** The policy's name for the source that sent it (alerts.sources.<name>). */
  source: string;
  kind: AlertSourceKind;
  /** Alertmanager's groupKey, or the generic source's deduplication_key. */
  groupKey: string;
  /** Labels the whole group shares; routing matches on these. */
  commonLabels: Labels;
  alerts: NormalisedAlert[];
  /** Alerts the sender left out of this delivery (Alertmanager's max_alerts); recorded, not an error. */
  truncatedAlerts: number;
}

/** What an alert group's note on its incident tells automation rules (alert_group_fired/_resolved). */
export interface AlertGroupNoteEvent {
  event: 'fired' | 'resolved';
  group: string;
  labels: Record<string, string>;
}
