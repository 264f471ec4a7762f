// Postmortem news on the incident's GitHub issue (drafted, in review, published, action items).
// Reminders and escalations are private and go by Slack DM only, never to an issue.

import type { PostmortemNotifier } from '../postmortem/ports.js';
import { commentOnIncidentIssueOnce, type IncidentCommentDeps } from './incident-comment.js';

export function createGitHubPostmortemNotifier(deps: IncidentCommentDeps): PostmortemNotifier {
  return {
    name: 'github',
    async notify(notice) {
      if (notice.audience.kind !== 'incident' || !notice.incident) return;
      await commentOnIncidentIssueOnce(deps, { incident: notice.incident, kind: 'github-postmortem-comment', key: notice.key, marker: `postmortem:${notice.key}`, text: notice.text });
    },
  };
}
