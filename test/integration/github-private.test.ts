// Private incidents and GitHub (issue 17 §1): an issue labelled `incident` and `private` declares a
// private incident, which writes nothing more on that public issue; a private incident declared
// elsewhere gets its tracking issue in privateIncidents.githubRepo, never in its service's repository.

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareIncident, getIncidentView } from '../../bots/workflow-client.js';
import { findLink } from '../../db/queries/links.js';
import { processedRequests } from '../../db/schema/index.js';
import { eventually } from '../helpers/system.js';
import { EXAMPLE_REPO, incidentLabeledPayload, startGitHubSystem, uniqueIssueNumber, type GitHubSystem } from '../helpers/github-system.js';

const PRIVATE_REPO = 'acme/security-incidents';
let gh: GitHubSystem;
beforeAll(async () => {
  gh = await startGitHubSystem({ policy: (p) => ({ ...p, privateIncidents: { members: [], githubRepo: PRIVATE_REPO, includeInMetrics: false } }) });
});
afterAll(async () => {
  await gh?.stop();
});

/** The GitHub notifier has handled the incident's notice `seq` (triage start is 1). */
async function mirrored(incident: string, seq = 1): Promise<void> {
  const key = `notify:github:${incident}:${seq}`;
  await eventually(async () => (await gh.system.database.db.select().from(processedRequests).where(eq(processedRequests.key, key)))[0], 30_000, key);
}

describe('private incidents on GitHub', () => {
  it('a private label declares a private incident that writes nothing more on the public issue', async () => {
    const number = uniqueIssueNumber();
    const res = await gh.deliver('issues', incidentLabeledPayload(gh.standin, number, { labels: ['incident', 'private'], title: 'Payroll export leaks' }));
    expect(res.status).toBe(200);
    const incident = await gh.declaredFrom(number);
    expect((await getIncidentView(gh.system, incident)).private).toBe(true);
    await mirrored(incident);
    const onIssue = gh.standin.calls.filter((c) => c.method !== 'GET' && c.path.startsWith(`/repos/${EXAMPLE_REPO}/issues/${number}`));
    expect(onIssue).toEqual([]);
  });

  it('the incident label alone still declares a public incident mirrored on its issue', async () => {
    const number = uniqueIssueNumber();
    await gh.deliver('issues', incidentLabeledPayload(gh.standin, number));
    const incident = await gh.declaredFrom(number);
    expect((await getIncidentView(gh.system, incident)).private).toBeUndefined();
    await mirrored(incident);
    expect(gh.standin.calls.some((c) => c.method !== 'GET' && c.path.startsWith(`/repos/${EXAMPLE_REPO}/issues/${number}`))).toBe(true);
  });

  it('a private incident declared elsewhere is tracked in the private repository only', async () => {
    const { key } = await declareIncident(gh.system, {
      idempotencyKey: `test:${uniqueIssueNumber()}`,
      title: 'Card data in logs',
      severity: 'SEV2',
      services: ['payments'],
      source: 'cli',
      reporter: { source: 'cli', id: 'alice' },
      private: true,
    });
    await mirrored(key);
    const link = await findLink(gh.system.database.db, key, 'github-issue');
    expect(link?.externalId).toMatch(new RegExp(`^${PRIVATE_REPO}#\\d+$`));
    const writes = gh.standin.calls.filter((c) => c.method !== 'GET' && JSON.stringify(c.body ?? '').includes(key));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((c) => !c.path.startsWith(`/repos/${PRIVATE_REPO}/`)).map((c) => `${c.method} ${c.path}`)).toEqual([]);
  });
});
