// Action items as the GitHub front-end sees them: which item, if any, an issue tracks.

import { eq } from 'drizzle-orm';
import type { Database } from '../client.js';
import { actionItems, type ActionItemRow } from '../schema/index.js';

/**
 * The action item whose GitHub issue is `owner/repo#N`. The ref is stored as GitHub spells the
 * repository (the publisher takes it from GitHub's answer), which is what webhooks carry too, so an
 * exact match can use the issue_ref index.
 */
export async function findActionItemByIssue(db: Database, ref: string): Promise<Pick<ActionItemRow, 'key' | 'incidentKey' | 'status'> | undefined> {
  const [row] = await db
    .select({ key: actionItems.key, incidentKey: actionItems.incidentKey, status: actionItems.status })
    .from(actionItems)
    .where(eq(actionItems.issueRef, ref))
    .limit(1);
  return row;
}
