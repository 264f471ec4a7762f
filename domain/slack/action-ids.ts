// The action IDs on Firebreak's Slack buttons and menus. The activities that post the messages and
// the listeners that receive the clicks must agree on them, and the app manifest names them too.

/** Buttons and the severity menu on the pinned incident summary, and the flag keep/restore question. */
export const ACTION_IDS = {
  acknowledge: 'incident_ack',
  severity: 'incident_sev',
  mitigated: 'incident_mitigated',
  resolve: 'incident_resolve',
  flagKeep: 'flag_keep',
  flagRestore: 'flag_restore',
} as const;

/** Buttons on access requests (approvers) and on expiry warnings (the requester). */
export const ACCESS_ACTION_IDS = {
  approve: 'grant_approve',
  deny: 'grant_deny',
  extend: 'grant_extend',
} as const;

/**
 * The Post and Cancel buttons under a public status page update's preview (Slack's confirm step),
 * and the two answers to the question the incident asks when it resolves with its public incident open.
 */
export const STATUSPAGE_ACTION_IDS = {
  post: 'statuspage_post',
  cancel: 'statuspage_cancel',
  resolvePublic: 'statuspage_resolve_public',
  keepPublic: 'statuspage_keep_public',
} as const;

/** Accept and Decline on an alert group's triage question; the value is the alert-group workflow ID. */
export const ALERT_TRIAGE_ACTION_IDS = {
  accept: 'alert_triage_accept',
  decline: 'alert_triage_decline',
} as const;

/** The Refresh button on a person's App Home: republishes their view on request. */
export const HOME_ACTION_IDS = {
  refresh: 'home_refresh',
} as const;
