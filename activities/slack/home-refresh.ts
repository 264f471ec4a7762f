// Republishes the App Home of the people a change concerns: an incident's role holders when its roles
// or phase change, the approvers of a grant when it is requested or decided, an action item's owner
// when it is added, assigned, done or reopened, and whoever's Home listed the thing before (a role
// handed on, an item reassigned). Best effort: it runs as its own notifier, so the notice's step
// records it once; a failed views.publish is logged and dropped, never retried, never blocking.

import { actionItemOwner, homeViewersOf, incidentCommander, loadHome, rememberHomeSubjects, subjectsOf } from '../../db/queries/app-home.js';
import { eligibleApprovers, personKey } from '../../domain/access/rules.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByActor, findPersonByHandle } from '../../domain/policy/index.js';
import { homeView } from '../../domain/slack/home-view.js';
import type { PostmortemNotifier } from '../postmortem/ports.js';
import type { AccessNotifier } from '../access/notifier.js';
import type { IncidentNotifier } from '../notify.js';
import type { SlackNotifierDeps } from './notifier.js';

/** What every Slack notifier is given (notifier.ts). */
export type SlackHomeRefreshDeps = SlackNotifierDeps;

// Timeline kinds that change what an incident's Home entry says or who it belongs to.
const INCIDENT_KINDS = new Set(['declared', 'phase', 'role', 'severity', 'details']);
const ACCESS_KINDS = new Set(['approval_requested', 'decided', 'ended']);
const NAME = 'slack-home';

export function createSlackHomeRefresh(deps: SlackHomeRefreshDeps) {
  const { api, db, logger } = deps;

  /** The Slack ID of a person the policy names; everyone else has no Home to refresh. */
  const slackOf = (actor: Actor): string | undefined => findPersonByActor(deps.policy(), actor)?.slack;
  const slackOfName = (name: string): string | undefined => findPersonByHandle(deps.policy(), name)?.slack;

  async function publish(user: string): Promise<void> {
    const policy = deps.policy();
    const person = findPersonByActor(policy, { source: 'slack', id: user });
    if (!person) return;
    const data = await loadHome(db, policy, person);
    const view = homeView(data, { redact: (text, incident) => deps.redactor.forIncident(incident).redact(text), ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}) });
    await api.call('views.publish', { user_id: user, view });
    await rememberHomeSubjects(db, user, subjectsOf(data));
  }

  /** Refreshes each person once; one person's failure neither stops the others nor the notice. */
  async function refresh(subjects: string[], users: Array<string | undefined>, context: Record<string, unknown>): Promise<void> {
    let everyone: string[];
    try {
      everyone = [...new Set([...users.filter((u): u is string => u !== undefined), ...(await homeViewersOf(db, subjects))])];
    } catch (err) {
      logger.warn({ err, ...context }, 'App Home refresh skipped: its audience could not be read');
      return;
    }
    for (const user of everyone) {
      await publish(user).catch((err: unknown) => logger.warn({ err, user, ...context }, 'App Home not refreshed'));
    }
  }

  const incidentNotifier: IncidentNotifier = {
    name: NAME,
    async notify(notice) {
      if (!INCIDENT_KINDS.has(notice.kind)) return;
      const { view } = notice;
      const people = [view.reporter, ...Object.values(view.roles).filter((a): a is Actor => a !== undefined)];
      await refresh([notice.incident], people.map(slackOf), { incident: notice.incident, kind: notice.kind });
    },
  };

  const accessNotifier: AccessNotifier = {
    name: NAME,
    async notify(notice) {
      if (!ACCESS_KINDS.has(notice.kind) || notice.kind === 'credentials') return;
      const policy = deps.policy();
      let approvers: string[] = [];
      try {
        const caps = notice.view.capabilities.filter((name) => policy.capabilities[name]);
        const commander = await incidentCommander(db, notice.incident);
        approvers = eligibleApprovers(policy, caps, personKey(policy, notice.view.requester), commander ? personKey(policy, commander) : undefined);
      } catch (err) {
        logger.warn({ err, grant: notice.view.grant }, 'approvers of a grant not found for the App Home');
      }
      const named = notice.kind === 'approval_requested' ? notice.approvers : [];
      await refresh([notice.view.grant], [...approvers, ...named].map(slackOfName), { grant: notice.view.grant, kind: notice.kind });
    },
  };

  const postmortemNotifier: PostmortemNotifier = {
    name: NAME,
    async notify(notice) {
      // Action item news names its item (`ACT-N`) in the notice's key: added, assigned, done, reopened.
      const item = /:(ACT-\d+):(add|assigned|done|open)\b/.exec(notice.key)?.[1];
      if (!item) return;
      const owner = await actionItemOwner(db, item).catch(() => undefined);
      await refresh([item], [owner ? slackOfName(owner) : undefined], { item, key: notice.key });
    },
  };

  return { incidentNotifier, accessNotifier, postmortemNotifier };
}
