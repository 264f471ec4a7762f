// The policy file's shape, one zod object per section. YAML keys are camelCase; durations come in
// as `"30m"` or seconds and leave as numbers of seconds under a key ending in `Seconds`.

import { z } from 'zod';
import { DEFAULT_PERMISSIONS, PERMISSIONS, type Permission } from './permission-names.js';
import {
  capabilityName,
  duration,
  envReference,
  expectedGot,
  githubLogin,
  githubRepo,
  identifier,
  matching,
  name,
  positiveInt,
  principal,
  slackChannel,
  slackUserId,
} from './values.js';
import { legacyMaskingProblem, maskingRules, withLegacyMasking } from './masking.js';
import { limitsSection } from './limits.js';
import { DEFAULT_GUEST_ACTIONS, GUEST_GRANTABLE } from './actions.js';
import { alertsSection } from './alerts.js';
import { pagingSection } from './paging.js';
import { statusPageSection } from './statuspage.js';
import { rulesSection } from './automation.js';
import { rolesSection } from './roles.js';
import { checklistsSection } from './checklists.js';
import { privateIncidentsSection } from './privacy.js';
import { webhooksSection } from './webhooks.js';

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type InSeconds<T, K extends keyof T & string> = Simplify<Omit<T, K> & { [P in K as `${P}Seconds`]: T[P] }>;

function inSeconds<T extends object, K extends keyof T & string>(section: T, keys: readonly K[]): InSeconds<T, K> {
  const out: Record<string, unknown> = { ...(section as Record<string, unknown>) };
  for (const key of keys) {
    out[`${key}Seconds`] = section[key];
    delete out[key];
  }
  return out as InSeconds<T, K>;
}

const text = matching(/\S/, 'some text');
const bool = z.boolean({ error: (issue) => expectedGot('true or false', issue.input) });

const incidents = z
  .strictObject({
    announceChannel: slackChannel,
    label: matching(/^\S.{0,49}$/, 'a GitHub label of at most 50 characters'),
    reopenWindow: duration(),
    timelineLimit: positiveInt().default(50),
    continueAsNewAfterEvents: positiveInt().default(2000),
    pinReaction: matching(/^[a-z0-9_+-]+$/, 'a Slack emoji name like "pushpin"').default('pushpin'),
    /** A reaction on a channel message that makes the message a task (checklists.ts). */
    taskReaction: matching(/^[a-z0-9_+-]+$/, 'a Slack emoji name like "memo"').default('memo'),
    /** How far back triage context looks for deploys, releases and merged PRs. */
    contextWindow: duration().default(6 * 3600),
  })
  .transform((s) => inSeconds(s, ['reopenWindow', 'contextWindow']));

const severity = z
  .strictObject(
    {
      description: text,
      statusUpdateEvery: duration(),
      commanderWithin: duration(),
      postmortem: z.strictObject({ required: bool, dueDays: positiveInt().optional() }),
    },
    { error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'missing; every severity SEV1 to SEV4 must be defined' : undefined) },
  )
  .transform((s) => inSeconds(s, ['statusUpdateEvery', 'commanderWithin']));

const flagName = matching(/^[A-Za-z0-9._~-]+$/, 'a flag name');
const serviceFlags = z
  .strictObject({
    provider: z.enum(['unleash', 'launchdarkly']),
    project: text,
    environment: text,
    names: z.array(flagName).min(1),
    // Rollbacks of these flags wait for a second person allowed to roll back (or the emergency bypass).
    approvalRequired: bool.default(false),
    // Flags whose rollback is always "off", whatever their history says.
    killSwitches: z.array(flagName).default(() => []),
    // After a rollback, wait this long and compare the service's errorRateQuery before and after.
    verifyAfter: duration().optional(),
  })
  .transform((s) => inSeconds(s, ['verifyAfter']));

const service = z.strictObject({
  repo: githubRepo,
  slackChannel: slackChannel.optional(),
  owners: z.array(name).min(1),
  flags: serviceFlags.optional(),
  sandboxSource: name.optional(),
  errorRateQuery: text.optional(),
});

const person = z.strictObject({ name, slack: slackUserId, github: githubLogin, cli: name.optional() });

const team = z.strictObject({ manager: name, members: z.array(person).min(1) });

const permissionLists = Object.fromEntries(
  PERMISSIONS.map((p) => [p, z.array(principal).default(() => [...DEFAULT_PERMISSIONS[p]])]),
) as { [P in Permission]: z.ZodDefault<z.ZodArray<typeof principal>> };
const permissions = z.strictObject(permissionLists);

// People in no team (DESIGN.md §5): what they may do. The list accepts only actions that grant,
// approve, resolve, destroy and take a role nothing, so no policy can open those to strangers.
const guests = z.strictObject({ may: z.array(z.enum(GUEST_GRANTABLE)).default(() => [...DEFAULT_GUEST_ACTIONS]) });

const capability = z
  .strictObject({
    description: text,
    approval: bool,
    approvers: z.array(name).default(() => []),
    quorum: positiveInt().default(1),
    maxDuration: duration(),
    provider: z.enum(['token', 'postgres', 'github-team']),
    sensitive: bool.default(false),
    commanderMayApprove: bool.default(true),
    // Where the provider acts; the server itself (ACCESS_POSTGRES_URL) and credentials stay in the environment.
    postgres: z.strictObject({ database: matching(identifier, 'a database name'), readRole: matching(identifier, 'a role name') }).optional(),
    githubTeam: z.strictObject({ org: githubLogin, team: matching(/^[A-Za-z0-9._-]{1,100}$/, 'a team slug like "probe-deployers"') }).optional(),
  })
  .transform((s) => inSeconds(s, ['maxDuration']));

const access = z
  .strictObject({ escalateAfter: duration(), timeoutAfter: duration(), warnBeforeExpiry: duration() })
  .transform((s) => inSeconds(s, ['escalateAfter', 'timeoutAfter', 'warnBeforeExpiry']));

const table = matching(identifier, 'a table name like "users" or "public.users"');
const sandboxSource = z
  .strictObject({ url: envReference, masking: maskingRules.prefault({}) })
  .transform((s) => ({ urlEnv: s.url.slice('env:'.length), masking: s.masking }));
const sandboxes = z
  .strictObject({
    sources: z.record(name, sandboxSource),
    defaultTtl: duration(),
    maxTtl: duration(),
    subset: z.record(table, z.strictObject({ limit: positiveInt().optional(), where: text.optional() })).prefault({}),
    // Masking rules live under each source; this key is only read from older policy files.
    masking: maskingRules.optional(),
  })
  .superRefine((s, ctx) => {
    const problem = legacyMaskingProblem(s.sources, s.masking);
    if (problem) ctx.addIssue({ code: 'custom', path: ['masking'], message: problem });
  })
  .transform(({ masking, ...s }) => inSeconds({ ...s, sources: withLegacyMasking(s.sources, masking) }, ['defaultTtl', 'maxTtl']));

const postmortems = z
  .strictObject({
    repo: githubRepo.optional(),
    path: text.default('postmortems/'),
    reminderBefore: duration(),
    escalateAfter: duration(),
  })
  .transform((s) => inSeconds(s, ['reminderBefore', 'escalateAfter']));

const retention = z
  .strictObject({ timelineFreeText: duration(), sandboxes: duration(), processedRequests: duration() })
  .transform((s) => inSeconds(s, ['timelineFreeText', 'sandboxes', 'processedRequests']));

const redactionPattern = z
  .strictObject({ name: text, pattern: text, flags: matching(/^[gimsuy]*$/, 'regular expression flags like "i"').optional() })
  .superRefine((p, ctx) => {
    try {
      new RegExp(p.pattern, p.flags);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `not a valid regular expression (${(err as Error).message})` });
    }
  });
const redaction = z.strictObject({ patterns: z.array(redactionPattern).default(() => []) });

export const policySchema = z.strictObject({
  incidents,
  severities: z.strictObject({ SEV1: severity, SEV2: severity, SEV3: severity, SEV4: severity }),
  services: z.record(name, service),
  teams: z.record(name, team),
  permissions: permissions.prefault({}),
  guests: guests.prefault({}),
  capabilities: z.record(matching(capabilityName, 'a capability name like "read-logs"'), capability).prefault({}),
  access,
  sandboxes: sandboxes.optional(),
  postmortems,
  retention,
  redaction: redaction.prefault({}),
  limits: limitsSection.prefault({}),
  alerts: alertsSection.optional(),
  statusPage: statusPageSection.optional(),
  paging: pagingSection.optional(),
  rules: rulesSection.prefault({}),
  roles: rolesSection.prefault({}),
  checklists: checklistsSection.prefault({}),
  privateIncidents: privateIncidentsSection.optional(),
  webhooks: webhooksSection.optional(),
});

export type Policy = z.output<typeof policySchema>;
export type IncidentsPolicy = Policy['incidents'];
export type SeverityPolicy = Policy['severities']['SEV1'];
export type ServicePolicy = Policy['services'][string];
export type ServiceFlags = NonNullable<ServicePolicy['flags']>;
export type TeamPolicy = Policy['teams'][string];
export type Person = TeamPolicy['members'][number];
export type PermissionsPolicy = Policy['permissions'];
export type GuestsPolicy = Policy['guests'];
export type CapabilityPolicy = Policy['capabilities'][string];
export type AccessPolicy = Policy['access'];
export type SandboxesPolicy = NonNullable<Policy['sandboxes']>;
export type PostmortemsPolicy = Policy['postmortems'];
export type RetentionPolicy = Policy['retention'];
export type RedactionPattern = Policy['redaction']['patterns'][number];
export type { AlertsPolicy } from './alerts.js';
export type { StatusPagePolicy, StatusPageComponent } from './statuspage.js';
export type { PagingPolicy } from './paging.js';
export type { RulesPolicy } from './automation.js';
export type { RolesPolicy, RolePolicy } from './roles.js';
export type { ChecklistsPolicy, ChecklistPolicy, ChecklistTask } from './checklists.js';
export type { PrivateIncidentsPolicy } from './privacy.js';
export type { WebhooksPolicy, WebhookSubscriber } from './webhooks.js';
