import { verifyAuditChain } from '../../db/audit.js';
import { connectDatabase } from '../../db/client.js';

/** `firebreak audit verify`: walks the hash chain; exit 0 when intact, 1 naming the first bad row. */
export async function auditVerify(url: string | undefined, json: boolean): Promise<number> {
  if (!url) {
    console.error('DATABASE_URL is not set; audit verify reads the audit log from Postgres.');
    return 1;
  }
  const handle = connectDatabase(url, { max: 1 });
  try {
    const result = await verifyAuditChain(handle.db);
    if (json) console.log(JSON.stringify(result));
    else if (result.ok) console.log(`audit chain intact: ${result.rows} rows, last hash ${result.lastHash.slice(0, 16)}…`);
    else console.error(`audit chain BROKEN at row ${result.brokenSeq}: ${result.reason} (${result.rows} rows before it verified)`);
    return result.ok ? 0 : 1;
  } finally {
    await handle.close();
  }
}
