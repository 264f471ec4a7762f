// Pinning a message to the incident's timeline (a Slack reaction, a GitHub comment) and taking it
// off again; redelivered events must not pin twice, and an unpin is audited like any change.

import { patched } from '@temporalio/workflow';
import { auditOnly, DECISION_POINT_PATCH } from '../kernel/index.js';
import { persistence } from './activities.js';
import * as msg from './messages.js';
import type { IncidentRuntime } from './state.js';

export function registerTimelineHandlers(rt: IncidentRuntime): void {
  rt.handle(
    msg.pinMessageUpdate,
    (i) => {
      rt.requireEditable();
      rt.requireText(i.text, 'pinned message');
    },
    async (i) => {
      // Event APIs redeliver; pinning the same message twice must not add a second entry.
      if (rt.state.timeline.some((e) => e.ref === i.ref)) return;
      await rt.record('pinned', i.actor, i.text.trim(), { details: { ref: i.ref, messageAt: i.at }, ref: i.ref });
    },
    () => rt.decision('pin'),
  );

  rt.handle(
    msg.unpinMessageUpdate,
    () => rt.requireEditable(),
    async (i) => {
      const entry = rt.state.timeline.find((e) => e.ref === i.ref);
      await persistence.removePinnedEntry({ incident: rt.state.key, ref: i.ref });
      rt.state.timeline = rt.state.timeline.filter((e) => e.ref !== i.ref);
      rt.version++;
      // Taking something off the timeline is a change of record like any other.
      if (patched(DECISION_POINT_PATCH)) {
        await auditOnly({
          subject: rt.name,
          incident: rt.name,
          actor: i.actor,
          action: 'incident.unpin',
          details: { ref: i.ref, pinnedBy: entry?.actor ?? null },
          at: new Date().toISOString(),
          idempotencyKey: `${rt.name}:unpin:${i.ref}:${rt.state.nextEventSeq}`,
        });
      }
    },
    (i) => {
      const author = rt.state.timeline.find((e) => e.ref === i.ref)?.actor;
      return rt.decision('unpin', author ? { pinAuthor: rt.personKey(author) } : {});
    },
  );
}
