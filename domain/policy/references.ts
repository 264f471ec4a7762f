// Checks that need the whole file: names that must point at something defined elsewhere, and
// settings that are each valid but cannot work together.

import type { Policy } from './schema.js';
import { ROLES } from '../incident.js';
import { alertServiceProblem } from './alerts.js';
import { pagingServiceProblem } from './paging.js';
import { statusPageServiceProblem } from './statuspage.js';
import { rulesReferenceProblem } from './automation.js';
import { checklistReferenceProblem } from './checklists.js';
import { privateMembersProblem } from './privacy.js';

export interface Problem {
  path: PropertyKey[];
  message: string;
}

function undefinedTeam(policy: Policy, team: string): string | undefined {
  if (policy.teams[team]) return undefined;
  return `team "${team}" is not defined under teams (defined: ${Object.keys(policy.teams).join(', ') || 'none'})`;
}

const ID_NAMES = { slack: 'Slack ID', github: 'GitHub login', cli: 'CLI name' } as const;

function checkTeams(policy: Policy): Problem | undefined {
  const byName = new Map<string, { team: string; slack: string; github: string; cli?: string }>();
  const owners = new Map<string, string>();
  for (const [team, t] of Object.entries(policy.teams)) {
    if (!t.members.some((m) => m.name === t.manager)) {
      return { path: ['teams', team, 'manager'], message: `${t.manager} is not a member of team ${team}; add them to members or name a member` };
    }
    for (const [i, m] of t.members.entries()) {
      const seen = byName.get(m.name);
      for (const field of ['slack', 'github', 'cli'] as const) {
        if (seen && seen[field] !== m[field]) {
          return { path: ['teams', team, 'members', i, field], message: `${m.name} has a different ${ID_NAMES[field]} in team ${seen.team}; a person's IDs must match in every team` };
        }
        const id = m[field];
        const owner = id === undefined ? undefined : owners.get(`${field}:${id.toLowerCase()}`);
        if (id !== undefined && owner !== undefined && owner !== m.name) {
          return { path: ['teams', team, 'members', i, field], message: `"${id}" already belongs to ${owner}; each person needs their own` };
        }
        if (id !== undefined) owners.set(`${field}:${id.toLowerCase()}`, m.name);
      }
      byName.set(m.name, { team, ...m });
    }
  }
  return undefined;
}

function checkServices(policy: Policy): Problem | undefined {
  for (const [service, s] of Object.entries(policy.services)) {
    for (const [i, owner] of s.owners.entries()) {
      const message = undefinedTeam(policy, owner);
      if (message) return { path: ['services', service, 'owners', i], message };
    }
    if (s.sandboxSource !== undefined && !policy.sandboxes?.sources[s.sandboxSource]) {
      return { path: ['services', service, 'sandboxSource'], message: `sandbox source "${s.sandboxSource}" is not defined under sandboxes.sources` };
    }
  }
  for (const [sev, p] of Object.entries(policy.severities)) {
    if (p.postmortem.required && p.postmortem.dueDays === undefined) {
      return { path: ['severities', sev, 'postmortem', 'dueDays'], message: 'missing, expected a number of days when a postmortem is required' };
    }
  }
  return undefined;
}

function approverCount(policy: Policy, teams: string[]): number {
  return new Set(teams.flatMap((t) => policy.teams[t]?.members.map((m) => m.name) ?? [])).size;
}

function checkCapabilities(policy: Policy): Problem | undefined {
  for (const [cap, c] of Object.entries(policy.capabilities)) {
    const at = (key: PropertyKey, message: string, ...rest: PropertyKey[]): Problem => ({ path: ['capabilities', cap, key, ...rest], message });
    for (const [i, team] of c.approvers.entries()) {
      const message = undefinedTeam(policy, team);
      if (message) return at('approvers', message, i);
    }
    if (c.sensitive && !c.approval) return at('approval', 'a sensitive capability must require approval');
    if (!c.approval) continue;
    if (c.sensitive && c.quorum < 2) return at('quorum', 'a sensitive capability needs a quorum of 2 or more');
    if (c.approvers.length === 0 && !c.commanderMayApprove) {
      return at('approvers', 'nobody could approve this capability; name approver teams or set commanderMayApprove: true');
    }
    const pool = approverCount(policy, c.approvers) + (c.commanderMayApprove ? 1 : 0);
    if (c.quorum > pool) return at('quorum', `a quorum of ${c.quorum} cannot be reached: at most ${pool} people may approve`);
  }
  return undefined;
}

function checkPermissions(policy: Policy): Problem | undefined {
  const people = new Set(Object.values(policy.teams).flatMap((t) => t.members.map((m) => m.name)));
  for (const [permission, principals] of Object.entries(policy.permissions)) {
    for (const [i, p] of principals.entries()) {
      const [kind, value = ''] = p.split(':');
      const message =
        kind === 'team' ? undefinedTeam(policy, value) : kind === 'person' && !people.has(value) ? `person "${value}" is not a member of any team` : undefined;
      if (message) return { path: ['permissions', permission, i], message };
    }
  }
  return undefined;
}

function checkTimings(policy: Policy): Problem | undefined {
  const { escalateAfterSeconds, timeoutAfterSeconds } = policy.access;
  if (escalateAfterSeconds >= timeoutAfterSeconds) {
    return { path: ['access', 'escalateAfter'], message: 'must be shorter than access.timeoutAfter, or requests time out before anyone escalates' };
  }
  const sandboxes = policy.sandboxes;
  if (sandboxes && sandboxes.defaultTtlSeconds > sandboxes.maxTtlSeconds) {
    return { path: ['sandboxes', 'defaultTtl'], message: 'must not be longer than sandboxes.maxTtl' };
  }
  return undefined;
}

function checkChecklists(policy: Policy): Problem | undefined {
  const people = Object.values(policy.teams).flatMap((t) => t.members.map((m) => m.name));
  const roles = [...ROLES, ...Object.keys((policy as { roles?: Record<string, unknown> }).roles ?? {})];
  if (policy.incidents.taskReaction === policy.incidents.pinReaction) {
    return { path: ['incidents', 'taskReaction'], message: `the same emoji as incidents.pinReaction ("${policy.incidents.pinReaction}"); pick another so a reaction either pins or makes a task` };
  }
  return checklistReferenceProblem(policy.checklists, { services: Object.keys(policy.services), capabilities: Object.keys(policy.capabilities), people, roles });
}

/** The first cross-reference problem, in file order of the sections checked. */
export function findReferenceProblem(policy: Policy): Problem | undefined {
  return checkTeams(policy) ?? checkServices(policy) ?? checkCapabilities(policy) ?? checkPermissions(policy) ?? checkTimings(policy) ?? checkChecklists(policy) ?? alertServiceProblem(policy.alerts, Object.keys(policy.services)) ?? statusPageServiceProblem(policy.statusPage, Object.keys(policy.services)) ?? pagingServiceProblem(policy.paging, Object.keys(policy.services), Object.values(policy.teams).flatMap((t) => t.members.map((m) => m.name))) ?? privateMembersProblem(policy.privateIncidents, Object.keys(policy.teams), Object.values(policy.teams).flatMap((t) => t.members.map((m) => m.name))) ?? rulesReferenceProblem(policy);
}
