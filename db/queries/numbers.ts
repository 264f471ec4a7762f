import { eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../client.js';
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

/** The advisory lock that makes incident numbering one line; any constant no other code takes. */
const INCIDENT_NUMBER_LOCK = 0x46424e554d; // "FBNUM"

/**
 * The next incident number, inside the declaration's own transaction, so a declaration that fails
 * (a bad row, a crash, a refusal) leaves the number to the next one. `nextval` could not do that:
 * a sequence never gives a number back, and a NUL in a title once burned one number per retry.
 * The lock holds until the transaction ends, so concurrent declarations queue here for the few
 * milliseconds between this and their commit. The sequence stays the floor (an operator moves it
 * forward after a restore) and is advanced by markIncidentNumberUsed just before commit.
 *
 * `isTaken` says whether `INC-N` already has a workflow in the Temporal namespace (left by another
 * database, or by this one before a restore): such numbers are passed over, never attached to.
 */
export async function takeIncidentNumber(
  tx: Transaction,
  isTaken: (number: number) => Promise<boolean> = async () => false,
  maxPassedOver = 50,
): Promise<{ number: number; passedOver: number[] }> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${INCIDENT_NUMBER_LOCK})`);
  const { rows } = await tx.execute<{ floor: number }>(sql`
    SELECT greatest(
      (SELECT coalesce(max(number), 0) FROM incidents),
      (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM incident_number_seq)
    )::int AS floor`);
  const passedOver: number[] = [];
  let number = Number(rows[0]!.floor) + 1;
  while (await isTaken(number)) {
    passedOver.push(number);
    if (passedOver.length >= maxPassedOver) throw new IncidentNumbersTaken(passedOver);
    number++;
  }
  return { number, passedOver };
}

/** Last statement before commit: `setval` is not transactional, so nothing may fail after it. */
export async function markIncidentNumberUsed(tx: Transaction, number: number): Promise<void> {
  await tx.execute(sql`SELECT setval('incident_number_seq', ${number}, true)`);
}

/** Too many numbers in a row already have workflows: the database is far behind the namespace. */
export class IncidentNumbersTaken extends Error {
  override name = 'IncidentNumbersTaken';
  constructor(readonly numbers: number[]) {
    super(
      `INC-${numbers[0]} to INC-${numbers.at(-1)} already have workflows in this Temporal namespace that this database does not know; ` +
        'the database was probably restored from a backup or another Firebreak shares the namespace. ' +
        "Set incident_number_seq past the namespace's highest incident (README, \"Restoring the database\") and declare again.",
    );
  }
}
