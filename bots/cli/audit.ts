import { randomUUID } from 'node:crypto';
import { sealAuditCheckpoint, verifyAuditChain, type AuditVerification } from '../../db/audit.js';
import { connectDatabase } from '../../db/client.js';

export const AUDIT_SUBCOMMANDS = ['verify', 'seal'] as const;
export type AuditSubcommand = (typeof AUDIT_SUBCOMMANDS)[number];

/**
 * `firebreak audit verify`: checks the checkpoints and walks every chain; exit 0 when intact, 1
 * naming the first bad checkpoint or row. `firebreak audit seal`: seals a checkpoint now (the worker
 * also does every few minutes); exit 0 whether or not a chain had moved.
 */
export async function auditCommand(subcommand: AuditSubcommand, url: string | undefined, options: { json: boolean; idempotencyKey?: string }): Promise<number> {
  if (!url) {
    console.error(`DATABASE_URL is not set; audit ${subcommand} reads the audit log from Postgres.`);
    return 1;
  }
  const handle = connectDatabase(url, { max: 1 });
  try {
    if (subcommand === 'seal') {
      const result = await sealAuditCheckpoint(handle.db, { idempotencyKey: options.idempotencyKey ?? `cli:${randomUUID()}` });
      if (options.json) console.log(JSON.stringify(result));
      else if (!result.checkpoint) console.log('nothing to seal: the audit log is empty');
      else if (!result.sealed) console.log(`nothing to seal: no chain moved since checkpoint ${result.checkpoint.seq} (hash ${result.checkpoint.hash})`);
      else console.log(`sealed checkpoint ${result.checkpoint.seq}: ${result.checkpoint.chains} chains, hash ${result.checkpoint.hash}`);
      return 0;
    }
    const result = await verifyAuditChain(handle.db);
    if (options.json) console.log(JSON.stringify(result));
    else if (result.ok) console.log(intact(result));
    else console.error(broken(result));
    return result.ok ? 0 : 1;
  } finally {
    await handle.close();
  }
}

function intact(result: Extract<AuditVerification, { ok: true }>): string {
  const sealed = result.lastCheckpoint ? `${count(result.checkpoints, 'checkpoint')}, the last ${result.lastCheckpoint.seq} with hash ${result.lastCheckpoint.hash}` : 'no checkpoint sealed yet';
  return `audit chain intact: ${count(result.rows, 'row')} in ${count(result.chains, 'chain')}; ${sealed}`;
}

/** "1 chain", "2 chains": a fresh install has one of each. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function broken(result: Extract<AuditVerification, { ok: false }>): string {
  const where = 'checkpoint' in result ? `checkpoint ${result.checkpoint}` : `row ${result.chainSeq} of chain ${result.chain}${result.seq === null ? '' : ` (id ${result.seq})`}`;
  return `audit chain BROKEN at ${where}: ${result.reason} (${result.rows} rows before it verified)`;
}
