// How Firebreak names GitHub objects: `owner/repo#N` for issues (the incident_links external ID) and
// hidden HTML markers that let it recognise, and never repeat, what it wrote itself.

export interface IssueRef {
  repo: string;
  number: number;
}

export function issueRef(repo: string, number: number): string {
  return `${repo}#${number}`;
}

export function parseIssueRef(text: string | undefined): IssueRef | undefined {
  const m = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)#([1-9][0-9]*)$/.exec(text ?? '');
  return m ? { repo: m[1]!, number: Number(m[2]) } : undefined;
}

export function splitRepo(repo: string): { owner: string; name: string } {
  const [owner = '', name = ''] = repo.split('/');
  return { owner, name };
}

/** Every comment and issue Firebreak writes carries this, so its own webhooks are never acted on. */
export const FIREBREAK_MARKER = '<!-- firebreak';

export function eventMarker(incident: string, eventKey: string): string {
  return `<!-- firebreak:${incident}:${eventKey} -->`;
}

export function incidentMarker(incident: string): string {
  return `<!-- firebreak:incident:${incident} -->`;
}

export const SUMMARY_START = '<!-- firebreak:summary:start -->';
export const SUMMARY_END = '<!-- firebreak:summary:end -->';

/** Where GitHub delivers webhooks; the redelivery activities find Firebreak's hooks by this URL. */
export const GITHUB_WEBHOOK_PATH = '/github/webhooks';
