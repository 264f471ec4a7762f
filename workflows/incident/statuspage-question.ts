// Resolving the incident does not resolve what customers read: when the incident resolves with its
// public incident still open, the timeline asks, once per resolution, whether to resolve that too
// (Slack shows the question with two buttons). "Keep it open" is an answer the timeline records;
// resolving goes through `statuspage resolve`, so customers' text is always shown before it goes out.

import { condition, log, patched } from '@temporalio/workflow';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import { PUBLIC_INCIDENT_QUESTION } from '../../domain/statuspage.js';
import * as msg from './messages.js';
import type { IncidentRuntime } from './state.js';

const RESOLVE_ASKS_PUBLIC = 'resolve-asks-public';

export async function askOnResolve(rt: IncidentRuntime): Promise<void> {
  const { state } = rt;
  const ended = () => state.phase === 'resolved' || state.phase === 'postmortem';
  const due = () => ended() && state.publicPage?.status === 'open' && state.publicPage.askedOnResolve !== state.resolvedAt;
  for (;;) {
    await condition(due);
    await rt
      .serially(async () => {
        const page = state.publicPage;
        if (!due() || !page) return;
        page.askedOnResolve = state.resolvedAt;
        // Runs resolved before this question existed replay without it.
        if (!patched(RESOLVE_ASKS_PUBLIC)) return;
        await rt.record(
          'note',
          SYSTEM_ACTOR,
          `${PUBLIC_INCIDENT_QUESTION} ${rt.name} is resolved, but customers still see its public incident as open on the status page. Resolve it with \`statuspage resolve TEXT\`, or keep it open.`,
          { details: { question: 'public-incident' } },
        );
      })
      .catch((err: unknown) => log.warn('public incident question failed', { incident: state.key, error: String(err) }));
  }
}

export function registerKeepPublicIncident(rt: IncidentRuntime): void {
  rt.handle<msg.KeepPublicIncidentInput, msg.KeepPublicIncidentResult>(
    msg.keepPublicIncidentUpdate,
    () => {
      rt.requireEditable();
      if (rt.state.publicPage?.status !== 'open') rt.refuse('InvalidInput', `${rt.name} has no open public incident to keep.`);
    },
    async (i) => {
      const text = `${rt.personKey(i.actor)} decided to keep the public incident open; customers still see it until \`statuspage resolve TEXT\`.`;
      await rt.record('note', i.actor, text, { auditAction: 'statuspage.keep', details: { statusPage: { keep: true } } });
      return { incident: rt.name, text };
    },
    () => rt.decision('publicUpdate'),
  );
}
