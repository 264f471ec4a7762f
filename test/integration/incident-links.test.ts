// Link rows are how Firebreak finds its Slack channels and GitHub issues (never by searching text
// people can write), so an external object belongs to one incident, and a second claim on it is a
// refusal that names the owner rather than an error worth retrying.

import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { ensureLink, findIncidentByExternal, LinkTakenError } from '../../db/queries/links.js';
import { incidents } from '../../db/schema/index.js';

let database: DatabaseHandle;
beforeAll(() => {
  database = connectDatabase(inject('databaseUrl'));
});
afterAll(async () => {
  await database?.close();
});

/** Incident numbers far above the sequence's, random so files sharing the database never meet. */
async function seedIncident(): Promise<string> {
  const number = 900_001 + randomInt(99_000_000);
  const key = `INC-${number}`;
  await database.db.insert(incidents).values({
    key,
    number,
    title: 'Card payments failing',
    severity: 'SEV3',
    phase: 'triage',
    services: ['payments'],
    source: 'cli',
    reporter: { source: 'cli', id: 'carol', name: 'carol' },
    declaredAt: new Date(),
  });
  return key;
}

describe('incident links', () => {
  it('links an issue to one incident, keeps the first link on a retry, and refuses a second incident by name', async () => {
    const [owner, other] = [await seedIncident(), await seedIncident()];
    const issue = `acme/payments#${randomInt(1e9)}`;
    const first = await ensureLink(database.db, { incidentKey: owner, kind: 'github-issue', externalId: issue, data: { tracking: true } });
    expect(await ensureLink(database.db, { incidentKey: owner, kind: 'github-issue', externalId: issue })).toEqual(first);

    const claim = ensureLink(database.db, { incidentKey: other, kind: 'github-issue', externalId: issue, data: { tracking: true } });
    await expect(claim).rejects.toBeInstanceOf(LinkTakenError);
    await expect(claim).rejects.toMatchObject({ owner, message: expect.stringContaining(`already belongs to ${owner}`) });
    expect(await findIncidentByExternal(database.db, 'github-issue', issue)).toBe(owner);
  });
});
