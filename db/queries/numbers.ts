import { eq, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { processedRequests } from '../schema/index.js';

export interface NumberedKey {
  /** e.g. `grant`: the request is remembered as `grant:<requestKey>` with `{ grant: 'GR-7' }`. */
  kind: string;
  /** The Postgres sequence the number comes from. */
  sequence: 'grant_number_seq' | 'sandbox_number_seq' | 'action_item_number_seq';
  /** Key prefix, e.g. `GR` for `GR-7`. */
  prefix: string;
}

/**
 * Gives a request its business key (`GR-7`, `SBX-3`) exactly once per request key. A concurrent
 * duplicate blocks on the processed_requests primary key until the first commits, then reads the
 * key it produced.
 */
export async function allocateNumberedKey(db: Database, spec: NumberedKey, requestKey: string): Promise<{ key: string; created: boolean }> {
  const requestId = `${spec.kind}:${requestKey}`;
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(processedRequests)
      .values({ key: requestId, kind: `${spec.kind}.allocate` })
      .onConflictDoNothing()
      .returning({ key: processedRequests.key });
    if (claimed.length === 0) {
      const [previous] = await tx.select().from(processedRequests).where(eq(processedRequests.key, requestId));
      return { key: String(previous?.result[spec.kind]), created: false };
    }
    const { rows } = await tx.execute<{ number: number }>(sql`SELECT nextval(${spec.sequence}::regclass)::int AS number`);
    const key = `${spec.prefix}-${rows[0]!.number}`;
    await tx.update(processedRequests).set({ result: { [spec.kind]: key } }).where(eq(processedRequests.key, requestId));
    return { key, created: true };
  });
}
