import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

// One call sends every team's digest; a run that keeps failing gives up after ten tries.
export const digests = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '5s', maximumInterval: '5m', maximumAttempts: 10 },
});
