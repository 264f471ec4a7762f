// A throwaway PostgreSQL cluster with password (SCRAM) authentication, for tests where passwords
// and VALID UNTIL must mean something: this machine's own server trusts every local login.
// initdb refuses to run as root, so the cluster runs as the `postgres` OS user.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../platform/free-port.js';

const run = promisify(execFile);

export interface PgCluster {
  port: number;
  /** Superuser URL (password auth) of the cluster's `postgres` database. */
  adminUrl: string;
  /** The same server, another database. */
  urlFor(database: string, user?: string, password?: string): string;
  stop(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const latest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!latest) throw new Error(`no PostgreSQL server binaries under ${root}; install postgresql`);
  return join(root, latest, 'bin');
}

async function asPostgres(bin: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  await run(cmd, argv, { timeout: 60_000 });
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = binDir();
  const root = mkdtempSync(join(tmpdir(), 'firebreak-pg-'));
  const data = join(root, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = join(root, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(root, Number(stdout.trim()), Number(gid.trim()));
    chownSync(pwfile, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await freePort();
  const stop = async () => {
    await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=scram-sha-256', '-E', 'UTF8', '--no-sync']);
    rmSync(pwfile);
    appendFileSync(join(data, 'postgresql.conf'), `\npassword_encryption = 'scram-sha-256'\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${root}'\nfsync = off\n`);
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n');
    await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', join(root, 'log'), '-w', 'start']);
  } catch (error) {
    await stop();
    throw error;
  }
  const urlFor = (database: string, user = 'postgres', pw = password) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:${port}/${database}`;
  return { port, adminUrl: urlFor('postgres'), urlFor, stop };
}
