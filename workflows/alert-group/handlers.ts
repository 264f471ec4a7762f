// The group's signal and query. Deliveries queue up in arrival order; the workflow's loop applies
// them one at a time, so concurrent deliveries of one group never interleave their notes.

import { setHandler } from '@temporalio/workflow';
import type { AlertDelivery } from '../../domain/alerts/index.js';
import { alertDeliverySignal, alertGroupStateQuery } from './messages.js';
import type { AlertGroup } from './state.js';

export function registerAlertGroupHandlers(group: AlertGroup, pending: AlertDelivery[]): void {
  setHandler(alertDeliverySignal, (delivery) => void pending.push(delivery));
  setHandler(alertGroupStateQuery, () => group.view());
}
