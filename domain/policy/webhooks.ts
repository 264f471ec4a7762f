// The `webhooks:` section: outside systems (a SIEM, a data warehouse, a chat bridge) that receive
// signed JSON for incident, grant, sandbox, flag, postmortem and action-item events. The signing
// secret is only ever named by variable (`env:VAR`); the URL is written out (https only) or named
// the same way. Private incidents reach only subscribers marked `private: true`.

import { z } from 'zod';
import { duration, expectedGot, matching, positiveInt } from './values.js';

/** What a subscriber's `events` patterns may name: a family (`incident.*`), one type, or `*`. */
export const WEBHOOK_FAMILIES = ['incident', 'grant', 'sandbox', 'flag', 'postmortem', 'action-item'] as const;
export type WebhookFamily = (typeof WEBHOOK_FAMILIES)[number];

const eventPattern = matching(
  new RegExp(`^(\\*|(${WEBHOOK_FAMILIES.join('|')})\\.(\\*|[a-z][a-z0-9_-]*))$`),
  `"*", a family like "incident.*" (${WEBHOOK_FAMILIES.join(', ')}) or a type like "incident.severity"`,
);

const envReference = matching<`env:${string}`>(/^env:[A-Z_][A-Z0-9_]*$/, 'an environment variable reference like "env:SIEM_WEBHOOK_SECRET"');

const httpsUrl = matching(/^https:\/\/[^\s/]+/, 'an https:// URL or an environment variable reference like "env:SIEM_WEBHOOK_URL"');

const bool = z.boolean({ error: (issue) => expectedGot('true or false', issue.input) });

const subscriber = z
  .strictObject({
    url: z.union([envReference, httpsUrl], { error: (issue) => expectedGot('an https:// URL or "env:VARIABLE"', issue.input) }),
    /** Never the secret itself: the variable holding it. */
    secret: envReference,
    events: z.array(eventPattern).min(1),
    /** Whether private incidents (and their grants, sandboxes, …) are sent to it. */
    private: bool.default(false),
  })
  .transform(({ url, secret, ...s }): typeof s & { url?: string; urlEnv?: string; secretEnv: string } => ({
    ...s,
    ...(url.startsWith('env:') ? { urlEnv: url.slice('env:'.length) } : { url }),
    secretEnv: secret.slice('env:'.length),
  }));

const subscriberName = matching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a subscriber name of letters, digits, ".", "_" or "-"');

const retry = z
  .strictObject({
    /** Tries per event and subscriber before it is recorded as failed (a replay starts again). */
    attempts: positiveInt().default(12),
    /** The wait before the second try; it doubles with every try up to maxWait. */
    firstWait: duration().default(10),
    maxWait: duration().default(600),
  })
  .transform(({ firstWait, maxWait, ...r }) => ({ ...r, firstWaitSeconds: firstWait, maxWaitSeconds: Math.max(maxWait, firstWait) }));

export const webhooksSection = z.strictObject({
  subscribers: z.record(subscriberName, subscriber),
  retry: retry.prefault({}),
});

export type WebhooksPolicy = z.output<typeof webhooksSection>;
export type WebhookSubscriber = WebhooksPolicy['subscribers'][string];
