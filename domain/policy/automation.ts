// The `rules:` section: automation rules, each "when EVENT, if CONDITIONS, then STEPS", run at most
// once per incident (or per severity, per person). The shapes they parse to are in
// domain/automation/types.ts (workflow code reads those); names a step refers to (channels, people,
// teams, roles, checklists, services, flags, webhook subscribers) are checked against the rest of
// the file by `rulesReferenceProblem`, so a bad rule stops the start with one line naming its key.

import { z } from 'zod';
import { SEVERITIES, ROLES } from '../incident.js';
import {
  RULE_EVENTS,
  RULE_FIELDS,
  RULE_SCOPES,
  type RuleCondition,
  type RuleSpec,
  type RuleStep,
  type RuleTrigger,
} from '../automation/types.js';
import { duration, expectedGot, matching, name, slackChannel } from './values.js';

const text = matching(/\S/, 'some text');
const severity = z.enum(SEVERITIES, { error: (issue) => expectedGot('SEV1 to SEV4', issue.input) });
const event = z.enum(RULE_EVENTS, { error: (issue) => expectedGot(`one of ${RULE_EVENTS.join(', ')}`, issue.input) });
const clock = matching(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like "22:00"');
const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => expectedGot('an IANA time zone like "Europe/Berlin"', issue.input) },
);


/**
 * A mapping with one key that says what it is (`post:`, `all:`), read by that key's schema: an
 * error then points inside it (`then[0].post.channel`) instead of at the whole union.
 */
function keyed<T>(schemas: Record<string, z.ZodType>, expected: string, build: (key: string, value: unknown) => T) {
  return z.unknown().transform((input, ctx): T => {
    const keys = input && typeof input === 'object' && !Array.isArray(input) ? Object.keys(input) : [];
    const key = keys.find((k) => Object.hasOwn(schemas, k));
    if (key === undefined) {
      ctx.addIssue({ code: 'custom', message: expectedGot(expected, input) });
      return z.NEVER;
    }
    const extra = keys.find((k) => k !== key);
    const schema = schemas[key]!;
    const whole = (schema as unknown as { _keyedWhole?: boolean })._keyedWhole === true;
    if (extra !== undefined && !whole) {
      ctx.addIssue({ code: 'custom', path: [extra], message: `unknown key beside "${key}"; write one per list entry` });
      return z.NEVER;
    }
    const parsed = schema.safeParse(whole ? input : (input as Record<string, unknown>)[key]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: whole ? issue.path : [key, ...issue.path] } as never);
      return z.NEVER;
    }
    return build(key, parsed.data);
  });
}

const when = z.union([event, z.strictObject({ after: duration(), of: event })], {
  error: (issue) => expectedGot(`an event (${RULE_EVENTS.join(', ')}) or { after: DURATION, of: EVENT }`, issue.input),
}).transform((w): RuleTrigger => (typeof w === 'string' ? { event: w } : { event: w.of, afterSeconds: w.after }));

const field = Object.assign(
  z.strictObject({ field: z.enum(RULE_FIELDS), equals: z.string().optional(), contains: z.string().optional() }).transform((c) => ({
    field: c.field,
    ...(c.equals !== undefined ? { equals: c.equals } : {}),
    ...(c.contains !== undefined ? { contains: c.contains } : {}),
  })),
  { _keyedWhole: true },
);

const condition: z.ZodType<RuleCondition> = z.lazy(() =>
  keyed<RuleCondition>(
    {
      all: z.array(condition).min(1),
      any: z.array(condition).min(1),
      none: z.array(condition).min(1),
      severity: z.array(severity).min(1),
      severityAtLeast: severity,
      services: z.array(name).min(1),
      labels: z.record(z.string(), z.string()),
      private: z.boolean({ error: (issue) => expectedGot('true or false', issue.input) }),
      timeOfDay: z.strictObject({ from: clock, to: clock, timeZone }),
      field,
    },
    'a condition: all|any|none: [...], severity: [...], severityAtLeast, services, labels, private, timeOfDay or field',
    (key, value) => (key === 'severity' ? { severityIn: value } : key === 'field' ? value : { [key]: value }) as RuleCondition,
  ),
) as z.ZodType<RuleCondition>;

/** Where a post goes: a channel (`#name`, an ID, or `incident` for the incident's own) or a person's DM. */
const channelOrIncident = z.union([z.literal('incident'), slackChannel], {
  error: (issue) => expectedGot('a Slack channel like "#incidents", a channel ID, or "incident"', issue.input),
});

const step = keyed<RuleStep>(
  {
    post: z.strictObject({ channel: channelOrIncident.optional(), dm: name.optional(), text }),
    invite: z.strictObject({ team: name }),
    assign_role: z.strictObject({ role: name, person: name }),
    add_checklist: z.strictObject({ checklist: name }),
    page: z.strictObject({ service: name.optional(), team: name.optional(), reason: text.optional() }),
    request_sandbox: z.strictObject({ source: name.optional(), ttl: duration().optional() }).transform((r) => ({
      ...(r.source !== undefined ? { source: r.source } : {}),
      ...(r.ttl !== undefined ? { ttlSeconds: r.ttl } : {}),
    })),
    request_flag_rollback: z.strictObject({ flags: z.array(name).min(1), reason: text }),
    webhook: z.strictObject({ subscriber: name }),
    wait: z.strictObject({ delay: duration() }).transform((w) => ({ delaySeconds: w.delay })),
  },
  'one step: post, invite, assign_role, add_checklist, page, request_sandbox, request_flag_rollback, webhook or wait',
  (key, value) => ({ kind: key, ...(value as object) }) as RuleStep,
);

const rule = z
  .strictObject({
    when,
    if: condition.optional(),
    then: z.array(step).min(1),
    once: z.enum(RULE_SCOPES, { error: (issue) => expectedGot('incident, severity or user', issue.input) }).default('incident'),
  })
  .transform((r): RuleSpec => ({ when: r.when, ...(r.if !== undefined ? { if: r.if } : {}), then: r.then, once: r.once }));

const ruleKey = matching(/^[a-z][a-z0-9-]{0,62}$/, 'a rule key of lowercase letters, digits and "-" like "night-sev1"');

export const rulesSection = z.record(ruleKey, rule);

export type RulesPolicy = z.output<typeof rulesSection>;

type Problem = { path: PropertyKey[]; message: string };

/** What the checks read from the whole file (structurally, so this file does not import the schema). */
export interface RulesContext {
  teams: Record<string, { members: Array<{ name: string }> }>;
  services: Record<string, { flags?: { names: string[] } | undefined }>;
  sandboxes?: { sources: Record<string, unknown> } | undefined;
  rules?: RulesPolicy;
  roles?: unknown;
  checklists?: unknown;
  webhooks?: unknown;
}

/** Names defined by sections other parts add (roles, checklists, webhooks), read without their schemas. */
function definedKeys(section: unknown, inner?: string): string[] {
  if (!section || typeof section !== 'object') return [];
  const value = inner && inner in section ? (section as Record<string, unknown>)[inner] : section;
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
}

const list = (names: readonly string[]) => `(defined: ${names.join(', ') || 'none'})`;

function stepProblem(policy: RulesContext, s: RuleStep): { key: string; message: string } | undefined {
  const people = Object.values(policy.teams).flatMap((t) => t.members.map((m) => m.name));
  const teams = Object.keys(policy.teams);
  const extra = policy;
  switch (s.kind) {
    case 'post':
      if ((s.channel === undefined) === (s.dm === undefined)) return { key: 'post', message: 'a post needs exactly one of channel or dm' };
      if (s.dm !== undefined && !people.includes(s.dm)) return { key: 'dm', message: `${s.dm} is not a member of any team; name a person listed under teams` };
      return undefined;
    case 'invite':
      return teams.includes(s.team) ? undefined : { key: 'team', message: `team "${s.team}" is not defined under teams ${list(teams)}` };
    case 'assign_role': {
      const roles = [...ROLES, ...definedKeys(extra.roles)];
      if (!roles.includes(s.role)) return { key: 'role', message: `role "${s.role}" is neither built in nor defined under roles ${list(roles)}` };
      return people.includes(s.person) ? undefined : { key: 'person', message: `${s.person} is not a member of any team; name a person listed under teams` };
    }
    case 'add_checklist': {
      const checklists = definedKeys(extra.checklists);
      return checklists.includes(s.checklist) ? undefined : { key: 'checklist', message: `checklist "${s.checklist}" is not defined under checklists ${list(checklists)}` };
    }
    case 'page': {
      if ((s.service === undefined) === (s.team === undefined)) return { key: 'page', message: 'a page needs exactly one of service or team' };
      const services = Object.keys(policy.services);
      if (s.service !== undefined && !services.includes(s.service)) return { key: 'service', message: `service "${s.service}" is not defined under services ${list(services)}` };
      if (s.team !== undefined && !teams.includes(s.team)) return { key: 'team', message: `team "${s.team}" is not defined under teams ${list(teams)}` };
      return undefined;
    }
    case 'request_sandbox': {
      const sources = Object.keys(policy.sandboxes?.sources ?? {});
      if (sources.length === 0) return { key: 'request_sandbox', message: 'there are no sandbox sources; add a sandboxes section' };
      return s.source === undefined || sources.includes(s.source) ? undefined : { key: 'source', message: `sandbox source "${s.source}" is not defined under sandboxes.sources ${list(sources)}` };
    }
    case 'request_flag_rollback': {
      const flags = Object.values(policy.services).flatMap((svc) => svc.flags?.names ?? []);
      const unknown = s.flags.find((f) => !flags.includes(f));
      return unknown === undefined ? undefined : { key: 'flags', message: `flag "${unknown}" is not listed under any service's flags.names ${list(flags)}` };
    }
    case 'webhook': {
      const subscribers = definedKeys(extra.webhooks, 'subscribers');
      return subscribers.includes(s.subscriber) ? undefined : { key: 'subscriber', message: `webhook subscriber "${s.subscriber}" is not defined under webhooks ${list(subscribers)}` };
    }
    case 'wait':
      return undefined;
  }
}

/** Every name a rule's steps refer to must be defined elsewhere in the file; the first that is not. */
export function rulesReferenceProblem(policy: RulesContext): Problem | undefined {
  const rules = policy.rules ?? {};
  for (const [key, r] of Object.entries(rules)) {
    for (const [i, s] of r.then.entries()) {
      const problem = stepProblem(policy, s);
      if (problem) {
        const at = problem.key === s.kind ? [] : [problem.key];
        return { path: ['rules', key, 'then', i, s.kind, ...at], message: problem.message };
      }
    }
    if (r.then.every((s) => s.kind === 'wait')) return { path: ['rules', key, 'then'], message: 'a rule needs at least one step besides wait' };
  }
  return undefined;
}
