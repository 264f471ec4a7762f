// The workflow ID of an alert group: the same group from the same source always lands on the same
// workflow, whatever characters its groupKey holds (Alertmanager's are long and full of braces).

import { sipHashText, sipKey } from '../hash/siphash.js';

// A fixed key: the hash names a workflow, it protects no secret.
const GROUP_KEY = sipKey(new TextEncoder().encode('firebreak-alerts'));

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** 32 hex digits identifying `groupKey` within `source`. */
export function alertGroupHash(source: string, groupKey: string): string {
  return hex(sipHashText(GROUP_KEY, source, groupKey));
}

export const ALERT_GROUP_WORKFLOW_PREFIX = 'alert-group:';

export function alertGroupWorkflowId(source: string, groupKey: string): string {
  return `${ALERT_GROUP_WORKFLOW_PREFIX}${source}:${alertGroupHash(source, groupKey)}`;
}
