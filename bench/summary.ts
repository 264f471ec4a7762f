// The targets of `npm run bench` and how each benchmark's JSON object is judged against them. Pure,
// so the judging is unit-tested without running anything.

export type BenchOutcome = { name: string; result: Record<string, unknown> } | { name: string; error: string };

export interface Verdict {
  figures: Record<string, unknown>;
  target: string;
  met: boolean;
  error?: string;
}

interface Rule {
  target: string;
  figures(r: Json): Record<string, unknown>;
  met(r: Json): boolean;
}

type Json = Record<string, unknown>;

/** Reads `a.b.c` as a number; NaN when absent, so a missing figure never meets a target. */
export function num(r: Json, path: string): number {
  let value: unknown = r;
  for (const part of path.split('.')) value = value && typeof value === 'object' ? (value as Json)[part] : undefined;
  return typeof value === 'number' ? value : NaN;
}

export const DECLARE_TARGET_P95_MS = 5_000;
export const ALERT_INTAKE_TARGET_P99_MS = 100;
export const ALERT_SUMMARY_TARGET_P95_MS = 3_000;
export const INCIDENTS_TARGET_SECONDS = 60;
export const INCIDENTS_TARGET_RSS_MB = 1_024;
export const CLUSTER_TARGET_RATIO = 1.6;
export const CLI_HELP_TARGET_P95_MS = 300;

export const RULES: Record<string, Rule> = {
  slack: {
    target: 'Firebreak ack p99 < 100 ms and ≤ 1.5× bare Bolt p99, at 200 req/s',
    figures: (r) => ({ p50Ms: num(r, 'firebreak.p50Ms'), p99Ms: num(r, 'firebreak.p99Ms'), errors: num(r, 'firebreak.errors'), bareBoltP99Ms: num(r, 'bareBolt.p99Ms'), p99Ratio: num(r, 'ratio.p99') }),
    met: (r) => num(r, 'firebreak.p99Ms') < 100 && num(r, 'ratio.p99') <= 1.5 && num(r, 'firebreak.errors') === 0,
  },
  github: {
    target: 'webhook answer p99 < 100 ms at 100 req/s, no errors (GitHub itself waits 10 s)',
    figures: (r) => ({ p50Ms: num(r, 'p50Ms'), p99Ms: num(r, 'p99Ms'), errors: num(r, 'errors'), achievedRate: num(r, 'achievedRate') }),
    met: (r) => num(r, 'p99Ms') < 100 && num(r, 'errors') === 0,
  },
  declare: {
    target: `declare → pinned summary p95 < ${DECLARE_TARGET_P95_MS} ms, every declaration pinned`,
    figures: (r) => ({ p50Ms: num(r, 'declareToPinnedSummaryMs.p50'), p95Ms: num(r, 'declareToPinnedSummaryMs.p95'), errors: num(r, 'errors'), declarations: num(r, 'declarations') }),
    met: (r) => num(r, 'declareToPinnedSummaryMs.p95') < DECLARE_TARGET_P95_MS && num(r, 'errors') === 0,
  },
  incidents: {
    // Issue 16's targets, for the full run of 1,000 incidents (a --quick run is judged the same way).
    target: `every incident resolved without errors, 1,000 incidents in < ${INCIDENTS_TARGET_SECONDS} s, peak RSS < ${INCIDENTS_TARGET_RSS_MB} MB`,
    figures: (r) => ({
      incidents: num(r, 'incidents'),
      totalSeconds: num(r, 'totalSeconds'),
      incidentsPerSecond: num(r, 'incidentsPerSecond'),
      workflowTasksPerSecond: num(r, 'worker.workflowTasksPerSecond'),
      peakRssMb: num(r, 'worker.peakRssMb'),
      errors: num(r, 'errors'),
    }),
    met: (r) =>
      num(r, 'errors') === 0 &&
      num(r, 'completed') === num(r, 'incidents') &&
      num(r, 'totalSeconds') < INCIDENTS_TARGET_SECONDS &&
      num(r, 'worker.peakRssMb') < INCIDENTS_TARGET_RSS_MB,
  },
  cluster: {
    target: `two worker processes at ≥ ${CLUSTER_TARGET_RATIO}× the throughput of one on the Temporal server on Postgres, no errors`,
    figures: (r) => ({
      oneWorkerPerSecond: num(r, 'oneWorker.incidentsPerSecond'),
      twoWorkersPerSecond: num(r, 'twoWorkers.incidentsPerSecond'),
      throughputRatio: num(r, 'throughputRatio'),
      errors: num(r, 'oneWorker.errors') + num(r, 'twoWorkers.errors'),
    }),
    met: (r) => num(r, 'throughputRatio') >= CLUSTER_TARGET_RATIO && num(r, 'oneWorker.errors') === 0 && num(r, 'twoWorkers.errors') === 0,
  },
  cli: {
    target: `compiled \`firebreak --help\` p95 < ${CLI_HELP_TARGET_P95_MS} ms`,
    figures: (r) => ({ helpP50Ms: num(r, 'bin.p50Ms'), helpP95Ms: num(r, 'bin.p95Ms'), nodeBaselineP95Ms: num(r, 'nodeBaseline.p95Ms') }),
    met: (r) => r.built === true && num(r, 'bin.p95Ms') < CLI_HELP_TARGET_P95_MS,
  },
  audit: {
    target: 'audit appends with a chain per incident, both logs verified intact (rows/s before and after reported, not judged)',
    figures: (r) => ({ beforeRowsPerSecond: num(r, 'before.rowsPerSecond'), afterRowsPerSecond: num(r, 'after.rowsPerSecond'), afterP99Ms: num(r, 'after.appendMs.p99') }),
    // The bench throws (and so reports an error) when either log does not verify.
    met: (r) => Number.isFinite(num(r, 'after.rowsPerSecond')),
  },
  sandbox: {
    target: 'masked clone ≥ 0.5× the rows/s of a raw copy',
    figures: (r) => ({ rows: num(r, 'rows'), rawRowsPerSecond: num(r, 'raw.rowsPerSecond'), maskedRowsPerSecond: num(r, 'masked.rowsPerSecond'), ratio: num(r, 'ratio') }),
    met: (r) => num(r, 'ratio') >= 0.5,
  },
  dashboard: {
    target: 'every dashboard query p95 < 50 ms',
    figures: (r) => ({ overallP50Ms: num(r, 'overall.p50'), overallP95Ms: num(r, 'overall.p95'), worstP95Ms: num(r, 'worstP95') }),
    met: (r) => num(r, 'worstP95') < 50,
  },
  alerts: {
    target: `alert intake p99 < ${ALERT_INTAKE_TARGET_P99_MS} ms at 20 deliveries/s, no errors, every expected incident declared once (0 duplicates), first alert → pinned summary p95 < ${ALERT_SUMMARY_TARGET_P95_MS} ms`,
    figures: (r) => ({
      intakeP50Ms: num(r, 'intakeMs.p50'),
      intakeP99Ms: num(r, 'intakeMs.p99'),
      errors: num(r, 'deliveries.errors'),
      expectedIncidents: num(r, 'incidents.expected'),
      declaredIncidents: num(r, 'incidents.declared'),
      duplicates: num(r, 'incidents.duplicates'),
      toPinnedSummaryP95Ms: num(r, 'firstAlertToPinnedSummaryMs.p95'),
    }),
    met: (r) =>
      num(r, 'intakeMs.p99') < ALERT_INTAKE_TARGET_P99_MS &&
      num(r, 'deliveries.errors') === 0 &&
      num(r, 'incidents.declared') === num(r, 'incidents.expected') &&
      num(r, 'incidents.duplicates') === 0 &&
      num(r, 'incidents.fromNotifyGroups') === 0 &&
      num(r, 'firstAlertToPinnedSummaryMs.p95') < ALERT_SUMMARY_TARGET_P95_MS,
  },
  restart: {
    target: 'every timer overdue at a worker restart fires after it (how soon is reported, not judged)',
    figures: (r) => ({
      rounds: num(r, 'rounds'),
      lastOfAllP50Ms: num(r, 'afterRestartMs.lastOfAll.p50'),
      lastOfAllMaxMs: num(r, 'afterRestartMs.lastOfAll.max'),
      grantExpiryP50Ms: num(r, 'afterRestartMs.grantExpiry.p50'),
    }),
    // The bench fails rather than report a round whose timers did not all fire.
    met: (r) => num(r, 'rounds') >= 1 && Number.isFinite(num(r, 'afterRestartMs.lastOfAll.max')),
  },
};

export function judge(outcome: BenchOutcome): Verdict {
  const rule = RULES[outcome.name];
  if (!rule) return { figures: {}, target: 'none', met: false, error: `no rule for ${outcome.name}` };
  if ('error' in outcome) return { figures: {}, target: rule.target, met: false, error: outcome.error };
  return { figures: rule.figures(outcome.result), target: rule.target, met: rule.met(outcome.result) };
}

export function summarize(outcomes: BenchOutcome[]): { summary: Record<string, Verdict> } {
  return { summary: Object.fromEntries(outcomes.map((o) => [o.name, judge(o)])) };
}

/** The bench's one JSON object: the last stdout line that parses as an object. */
export function lastJsonObject(stdout: string): Record<string, unknown> | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // A progress line, not the result.
    }
  }
  return undefined;
}
