// The Slack side of just-in-time access. Approval requests go to the incident channel and to each
// approver by DM, and are edited in place as decisions land (their ts are kept in
// processed_requests); the requester hears about decisions, expiry and the end by DM; credentials
// go by DM to the requester and nowhere else, and are never logged. Runs inside the access
// activities, so every visible post is a step that a retried notice skips.

import { ApplicationFailure } from '@temporalio/common';
import { and, eq, like } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import { processedRequests } from '../../db/schema/index.js';
import type { Actor } from '../../domain/incident.js';
import { findPersonByActor, findPersonByHandle, type Policy } from '../../domain/policy/index.js';
import type { Redactor } from '../../domain/redact.js';
import type { Logger } from '../../platform/logger.js';
import type { IncidentView } from '../../workflows/incident/messages.js';
import type { GrantView } from '../../workflows/access/messages.js';
import type { AccessNotice, AccessNotifier, CredentialsNotice } from '../access/notifier.js';
import type { ApprovalRequestedNotice } from '../../workflows/access/messages.js';
import { createAccessRenderer, type SlackMessage } from './access-render.js';
import { createChannels, type ChannelData, type IncidentChannel } from './channel.js';
import { isSlackError, type SlackApi } from './client.js';
import { createRenderer } from './render.js';
import { createSteps } from './steps.js';

export interface SlackAccessNotifierDeps {
  api: SlackApi;
  db: Database;
  policy: () => Policy;
  redactor: Redactor;
  logger: Logger;
  publicUrl?: string;
  /** The incident as it is now, to redraw the pinned summary's grant list; omitted, the summary waits for the next incident event. */
  incidentView?: (incident: string) => Promise<IncidentView>;
}

// Reasons a person or channel cannot be written to that no retry fixes.
const UNREACHABLE = ['channel_not_found', 'is_archived', 'not_in_channel', 'user_not_found', 'user_disabled', 'cannot_dm_bot', 'user_not_visible', 'messages_tab_disabled'];
const MESSAGE_KIND = 'slack.access-message';

export function createSlackAccessNotifier(deps: SlackAccessNotifierDeps): AccessNotifier {
  const { api, db, logger } = deps;
  const render = createAccessRenderer(deps.redactor, deps.policy);
  const channels = createChannels({ api, db, policy: deps.policy, render: createRenderer(deps.redactor, deps.publicUrl) });
  const steps = createSteps(db);

  /** The requester's or an approver's Slack ID: their own when they came from Slack, else the policy's. */
  function slackIdOf(actor: Actor): string | undefined {
    return actor.source === 'slack' ? actor.id : findPersonByActor(deps.policy(), actor)?.slack;
  }

  async function incidentChannel(incident: string): Promise<IncidentChannel | undefined> {
    const row = await findLink(db, incident, 'slack-channel');
    const data = row?.data as unknown as ChannelData | undefined;
    return row && data && !data.gone ? { incident, id: row.externalId, data } : undefined;
  }

  /** Posts once per step key; false when Slack says the place cannot be written to. */
  async function post(step: string, channel: string, message: SlackMessage | string, remember = false): Promise<boolean> {
    const body = typeof message === 'string' ? { text: message } : message;
    try {
      await steps.once(step, async () => {
        const posted = await api.call<{ ts: string; channel: string }>('chat.postMessage', { channel, ...body, unfurl_links: false });
        // The approval requests are edited later, so where they are is kept next to the step.
        if (remember) await db.insert(processedRequests).values({ key: `${step}:ts`, kind: MESSAGE_KIND, result: { channel: posted.channel, ts: posted.ts } }).onConflictDoNothing();
      });
      return true;
    } catch (err) {
      if (!isSlackError(err, ...UNREACHABLE)) throw err;
      logger.warn({ step, channel, error: err.error }, 'Slack access message not delivered');
      return false;
    }
  }

  /** The IM channel with one person, or undefined when Slack will not open one. */
  async function imWith(user: string): Promise<string | undefined> {
    try {
      return (await api.call<{ channel: { id: string } }>('conversations.open', { users: user })).channel.id;
    } catch (err) {
      if (!isSlackError(err, ...UNREACHABLE)) throw err;
      logger.warn({ user, error: err.error }, 'Slack would not open a DM');
      return undefined;
    }
  }

  async function dm(step: string, actor: Actor, message: SlackMessage | string, remember = false): Promise<boolean> {
    const user = slackIdOf(actor);
    if (!user) {
      logger.warn({ step, source: actor.source, id: actor.id }, 'no Slack ID for this person in the policy; Slack DM skipped');
      return false;
    }
    const im = await imWith(user);
    return im !== undefined && post(`${step}:dm:${user}`, im, message, remember);
  }

  async function askApprovers(notice: ApprovalRequestedNotice): Promise<void> {
    const message = render.request(notice.view);
    const step = `slack-access:${notice.key}`;
    const channel = await incidentChannel(notice.incident);
    if (channel) await post(`${step}:channel`, channel.id, message, true);
    for (const name of notice.approvers) {
      const person = findPersonByHandle(deps.policy(), name);
      if (person) await dm(step, { source: 'slack', id: person.slack, name: person.name }, message, true);
      else logger.warn({ grant: notice.grant, approver: name }, 'approver is not in the policy; Slack DM skipped');
    }
  }

  /** Redraws every approval request of the grant: current approvals, buttons only while needed. */
  async function redrawRequests(view: GrantView, outcome: string): Promise<void> {
    const rows = await db
      .select({ result: processedRequests.result })
      .from(processedRequests)
      .where(and(eq(processedRequests.kind, MESSAGE_KIND), like(processedRequests.key, `slack-access:${view.grant}:%`)));
    const message = render.request(view, outcome);
    for (const { result } of rows) {
      try {
        await api.call('chat.update', { channel: result.channel, ts: result.ts, ...message });
      } catch (err) {
        if (!isSlackError(err, ...UNREACHABLE, 'message_not_found', 'cant_update_message')) throw err;
      }
    }
  }

  /** The pinned summary lists the incident's grants; redraw it now rather than at the next incident event. */
  async function refreshSummary(incident: string): Promise<void> {
    const channel = await incidentChannel(incident);
    if (!deps.incidentView || !channel?.data.summaryTs) return;
    try {
      await channels.syncSummary(channel, await deps.incidentView(incident));
    } catch (err) {
      // A rate limit waits like any other step; anything else only delays the summary to the next event.
      if (err instanceof ApplicationFailure) throw err;
      logger.warn({ err, incident }, 'pinned summary not refreshed after a grant change');
    }
  }

  async function deliverCredentials(notice: CredentialsNotice): Promise<void> {
    // The secret is sent as is, once per issue (a retried activation re-keys and sends anew); the
    // step key is all that is logged, and the stand-in records calls only because tests read them.
    const user = slackIdOf(notice.requester);
    const im = user ? await imWith(user) : undefined;
    if (!im) {
      logger.warn({ grant: notice.grant, provider: notice.provider, source: notice.requester.source }, 'credentials not sent by Slack: the requester has no reachable Slack DM');
      return;
    }
    await api.call('chat.postMessage', { channel: im, ...render.credentials(notice), unfurl_links: false, unfurl_media: false });
  }

  return {
    name: 'slack',
    canReachPrivately: (requester) => slackIdOf(requester) !== undefined,
    async notify(notice: AccessNotice): Promise<void> {
      const step = `slack-access:${notice.key}`;
      switch (notice.kind) {
        case 'credentials':
          return deliverCredentials(notice);
        case 'approval_requested':
          await askApprovers(notice);
          return refreshSummary(notice.incident);
        case 'decided': {
          const line = render.decision(notice);
          await redrawRequests(notice.view, line);
          await dm(step, notice.view.requester, line);
          return refreshSummary(notice.incident);
        }
        case 'expiring':
          await dm(step, notice.view.requester, render.expiring(notice.view, notice.expiresAt));
          return;
        case 'ended': {
          const line = render.ended(notice.view, notice.status, notice.reason);
          await redrawRequests(notice.view, line);
          await dm(step, notice.view.requester, line);
          const channel = await incidentChannel(notice.incident);
          if (channel) await post(`${step}:channel`, channel.id, line);
          return refreshSummary(notice.incident);
        }
      }
    },
  };
}
