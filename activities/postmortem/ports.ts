// How postmortems reach people and GitHub. Front-ends supply notifiers (Slack posts and DMs,
// comments on the incident issue); GitHub, when configured, supplies the publisher that commits
// the document and keeps one issue per action item. Text arrives redacted and composed.

import type { PostmortemNotice } from '../../workflows/postmortem/messages.js';

export interface PostmortemNotifier {
  name: string;
  notify(notice: PostmortemNotice): Promise<void>;
}

export interface PublishDocumentInput {
  incident: string;
  /** `owner/name` */
  repo: string;
  /** Path in the repository, e.g. `postmortems/INC-12.md`. */
  path: string;
  markdown: string;
  /** Commit message. */
  message: string;
}

export interface CreateActionIssueInput {
  incident: string;
  /** ACT-N: also the idempotency key (an existing issue carrying its marker is reused). */
  item: string;
  /** `owner/name` of the service's repository. */
  repo: string;
  title: string;
  body: string;
  /** GitHub login of the owner, assigned when GitHub accepts it. */
  assignee?: string;
}

/** GitHub's side of postmortems. Every method is idempotent: activities retry. */
export interface PostmortemPublisher {
  /** Creates or updates the file (no commit when the content is unchanged); returns its html URL. */
  publishDocument(input: PublishDocumentInput): Promise<{ url: string }>;
  /** Creates the issue labelled `postmortem-action`, linked to the incident's issue. */
  createActionIssue(input: CreateActionIssueInput): Promise<{ ref: string; url: string }>;
  /** Closes or reopens an action item's issue (`owner/name#N`); no call when already so. */
  setIssueState(input: { ref: string; state: 'open' | 'closed'; comment?: string }): Promise<void>;
}

/** Keeps notices in memory and writes nothing anywhere: for tests. */
export function createRecordingPostmortemNotifier(name = 'recorder'): PostmortemNotifier & { notices: PostmortemNotice[] } {
  const notices: PostmortemNotice[] = [];
  return {
    name,
    notices,
    async notify(notice) {
      notices.push(notice);
    },
  };
}
