// How sandboxes reach people. Each front-end supplies a SandboxNotifier; the credentials activity
// hands the password to them directly, so it never passes through the workflow, its history, the
// database, a channel or a log. The playbook holds no secret and goes to the incident's timeline
// and issue.

import type { Actor } from '../../domain/incident.js';

export interface SandboxCredentialsNotice {
  kind: 'credentials';
  sandbox: string;
  incident: string;
  /** Stable per delivery, for de-duplication by the front-end. */
  key: string;
  requester: Actor;
  /** A full connection URL with the password: deliver by DM or ephemeral message only. */
  url: string;
  role: string;
  validUntil: string;
}

export interface SandboxPlaybookNotice {
  kind: 'playbook';
  sandbox: string;
  incident: string;
  key: string;
  markdown: string;
}

export type SandboxNotice = SandboxCredentialsNotice | SandboxPlaybookNotice;

export interface SandboxNotifier {
  name: string;
  notify(notice: SandboxNotice): Promise<void>;
}

/** Keeps notices in memory and writes nothing anywhere: for tests. */
export function createRecordingSandboxNotifier(name = 'recorder'): SandboxNotifier & { notices: SandboxNotice[] } {
  const notices: SandboxNotice[] = [];
  return {
    name,
    notices,
    async notify(notice) {
      notices.push(notice);
    },
  };
}
