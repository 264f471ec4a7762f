// Where the cluster bench's CPU went, per kind of process on this machine: the Temporal server,
// Firebreak's worker processes, every Postgres backend (Temporal's databases and Firebreak's), this
// bench process (the load generator), and the whole machine's busy time from /proc/stat. A
// difference between two snapshots, in CPU seconds. Linux only; elsewhere every figure is 0.

import { readdirSync, readFileSync } from 'node:fs';
import { cpuSecondsOf } from './alerts-cpu.js';
import { round } from './stack.js';

export interface ClusterCpu {
  temporalServer: number;
  workers: number;
  postgres: number;
  benchProcess: number;
  machine: number;
}

/** /proc/stat counts in USER_HZ, 100 a second on Linux. */
const TICKS_PER_SECOND = 100;

function machineBusySeconds(): number {
  // cpu  user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - fields[3]! - fields[4]!) / TICKS_PER_SECOND;
}

export function clusterCpuSnapshot(): ClusterCpu {
  const usage = process.cpuUsage();
  const snapshot: ClusterCpu = { temporalServer: 0, workers: 0, postgres: 0, benchProcess: (usage.user + usage.system) / 1e6, machine: 0 };
  try {
    snapshot.machine = machineBusySeconds();
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (cmdline.includes('temporal-server-')) snapshot.temporalServer += cpuSecondsOf(pid);
        else if (cmdline.includes('worker/main.')) snapshot.workers += cpuSecondsOf(pid);
        else if (cmdline.startsWith('postgres:')) snapshot.postgres += cpuSecondsOf(pid);
      } catch {
        // The process ended between listing and reading.
      }
    }
  } catch {
    // No /proc here.
  }
  return snapshot;
}

/** CPU seconds per kind over the phase, and how many of the machine's cores were busy on average. */
export function clusterCpuSpent(from: ClusterCpu, to: ClusterCpu, seconds: number) {
  const spent = (key: keyof ClusterCpu) => round(to[key] - from[key]);
  const machine = spent('machine');
  return {
    temporalServer: spent('temporalServer'),
    workers: spent('workers'),
    postgres: spent('postgres'),
    benchProcess: spent('benchProcess'),
    machine,
    machineCoresBusy: round(machine / seconds),
  };
}
