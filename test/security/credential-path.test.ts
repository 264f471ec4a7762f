// A grant whose credentials could go nowhere must not start: with only notifiers that cannot reach
// the requester privately (here, GitHub comments), an approved db-readonly grant creates no login
// role, a read-logs grant issues no token, and the grant ends saying why.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessNotice, AccessNotifier } from '../../activities/access/notifier.js';
import { getGrant } from '../../db/queries/grants.js';
import * as access from '../../workflows/access/messages.js';
import { alice, carol, declare, grantRoles, grantUpdate, requestAccess, startAccessTarget } from '../helpers/access.js';
import type { PgCluster } from '../helpers/pg-cluster.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

let system: TestSystem;
let target: PgCluster;
// Like the GitHub notifier: it hears every public notice and can reach nobody privately.
const publicOnly: AccessNotifier & { notices: AccessNotice[] } = {
  name: 'public-only',
  notices: [],
  async notify(notice) {
    this.notices.push(notice);
  },
};

beforeAll(async () => {
  target = await startAccessTarget();
  system = await startTestSystem({ accessNotifiers: [publicOnly], access: { postgresUrl: target.adminUrl } });
});
afterAll(async () => {
  await system?.stop();
  await target?.stop();
});

describe('credentials with no private path to the requester', () => {
  it('an approved db-readonly grant creates no login role and ends saying why', async () => {
    const incident = await declare(system);
    const { grant } = await requestAccess(system, incident, alice, ['db-readonly'], 10);
    await grantUpdate(system, grant, access.approveUpdate, { actor: carol });
    const row = await eventually(async () => {
      const r = await getGrant(system.database.db, grant);
      return r && r.status !== 'pending' && r.status !== 'active' ? r : undefined;
    }, 20_000, 'grant ended');
    expect(row).toMatchObject({ status: 'revoked', endReason: expect.stringMatching(/no private way to hand them credentials/) });
    expect(row.activatedAt).toBeNull();
    expect(await grantRoles(target)).toEqual([]);
    expect(publicOnly.notices.some((n) => n.kind === 'credentials')).toBe(false);
  });

  it('a read-logs grant issues no token', async () => {
    const incident = await declare(system);
    const { grant } = await requestAccess(system, incident, alice, ['read-logs'], 10);
    const row = await eventually(async () => {
      const r = await getGrant(system.database.db, grant);
      return r && r.status !== 'pending' && r.status !== 'active' ? r : undefined;
    }, 20_000, 'grant ended');
    expect(row.status).toBe('revoked');
    expect(row.credentialRefs ?? []).toEqual([]);
  });
});
