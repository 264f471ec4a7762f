// Whose CPU a run used: this process (HTTP server, worker and its workflow threads, stand-in, load
// generator), the Temporal dev server it started and the Postgres backends serving its scratch
// database. Read from /proc (Linux; elsewhere only this process is counted), as a difference
// between two snapshots, so the start-up (bundling the workflows) is left out.

import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stack.js';

export interface CpuSnapshot {
  benchProcess: number;
  temporalServer: number;
  postgres: number;
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: string): number {
  // utime and stime are fields 14 and 15; the command name before them may contain spaces.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** `temporalPort`: the dev server's gRPC port; `database`: the scratch database's name. */
export function cpuSnapshot(temporalPort: string, database: string): CpuSnapshot {
  const usage = process.cpuUsage();
  const snapshot: CpuSnapshot = { benchProcess: (usage.user + usage.system) / 1e6, temporalServer: 0, postgres: 0 };
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return snapshot;
  }
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmdline.includes('start-dev') && cmdline.includes(temporalPort)) snapshot.temporalServer += cpuSecondsOf(pid);
      else if (cmdline.some((arg) => arg.startsWith('postgres:') && arg.includes(` ${database} `))) snapshot.postgres += cpuSecondsOf(pid);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return snapshot;
}

export function cpuSpent(from: CpuSnapshot, to: CpuSnapshot, seconds: number) {
  const spent = {
    benchProcess: round(to.benchProcess - from.benchProcess),
    temporalServer: round(to.temporalServer - from.temporalServer),
    postgres: round(to.postgres - from.postgres),
  };
  return { ...spent, wallSeconds: round(seconds), coresBusy: round((spent.benchProcess + spent.temporalServer + spent.postgres) / seconds) };
}
