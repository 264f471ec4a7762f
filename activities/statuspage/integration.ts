// The external status page mirror as the worker builds it: only when the policy's statusPage section
// has a mirror. The API key is read once, when the worker starts, from the variable the policy names
// (a copy, so a later change to the environment cannot swap it under a running worker);
// STATUSPAGE_API_URL points the client elsewhere (a proxy, the tests' stand-in).

import type { Outbound, OutboundContext } from '../outbound.js';
import { createAtlassianStatusPageApi, DEFAULT_STATUSPAGE_API_URL } from './atlassian.js';
import { createStatusPageMirrorActivities } from './mirror.js';

type Env = Readonly<Record<string, string | undefined>>;

export function createStatusPageMirrorOutbound(ctx: Pick<OutboundContext, 'db' | 'policy' | 'logger'>, env: Env = process.env): Outbound | undefined {
  const mirror = ctx.policy.statusPage?.mirror;
  if (!mirror) return undefined;
  const apiKey = env[mirror.apiKeyEnv]?.trim();
  const logger = ctx.logger.child({ integration: 'statuspage-mirror' });
  if (!apiKey) logger.warn({ variable: mirror.apiKeyEnv }, 'status page mirror API key variable is not set; public updates are not mirrored');
  const api = apiKey ? createAtlassianStatusPageApi({ apiUrl: env.STATUSPAGE_API_URL?.trim() || DEFAULT_STATUSPAGE_API_URL, apiKey }) : undefined;
  const activities = createStatusPageMirrorActivities({ db: ctx.db, policy: () => ctx.policy, api, logger });
  return { name: 'statuspage-mirror', notifiers: [], triageSources: [], activities };
}
