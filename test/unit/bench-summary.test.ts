import { describe, expect, it } from 'vitest';
import { judge, lastJsonObject, num, summarize } from '../../bench/summary.js';

const slack = (p99: number, ratio: number, errors = 0) => ({ firebreak: { p50Ms: 2, p99Ms: p99, errors }, bareBolt: { p99Ms: p99 / ratio }, ratio: { p99: ratio } });

describe('bench summary', () => {
  it('meets the Slack target only under 100 ms and within 1.5× bare Bolt', () => {
    expect(judge({ name: 'slack', result: slack(40, 1.2) }).met).toBe(true);
    expect(judge({ name: 'slack', result: slack(120, 1.2) }).met).toBe(false);
    expect(judge({ name: 'slack', result: slack(40, 1.6) }).met).toBe(false);
    expect(judge({ name: 'slack', result: slack(40, 1.2, 3) }).met).toBe(false);
  });

  it('judges the sandbox ratio and the dashboard worst p95 at their boundaries', () => {
    expect(judge({ name: 'sandbox', result: { ratio: 0.5 } }).met).toBe(true);
    expect(judge({ name: 'sandbox', result: { ratio: 0.49 } }).met).toBe(false);
    expect(judge({ name: 'dashboard', result: { worstP95: 49.9, overall: { p50: 3, p95: 20 } } }).met).toBe(true);
    expect(judge({ name: 'dashboard', result: { worstP95: 50 } }).met).toBe(false);
  });

  it('meets the restart target when every round reported its timers', () => {
    expect(judge({ name: 'restart', result: { rounds: 3, afterRestartMs: { lastOfAll: { p50: 2055, max: 2663 }, grantExpiry: { p50: 37 } } } }).met).toBe(true);
    expect(judge({ name: 'restart', result: { rounds: 0 } }).met).toBe(false);
  });

  it('meets the alerts target only with every expected incident declared once, fast intake and fast summaries', () => {
    const alerts = (over: { p99?: number; declared?: number; duplicates?: number; summaryP95?: number } = {}) => ({
      intakeMs: { p50: 5, p99: over.p99 ?? 40 },
      deliveries: { errors: 0 },
      incidents: { expected: 180, declared: over.declared ?? 180, duplicates: over.duplicates ?? 0, fromNotifyGroups: 0 },
      firstAlertToPinnedSummaryMs: { p95: over.summaryP95 ?? 900 },
    });
    expect(judge({ name: 'alerts', result: alerts() }).met).toBe(true);
    expect(judge({ name: 'alerts', result: alerts({ p99: 100 }) }).met).toBe(false);
    expect(judge({ name: 'alerts', result: alerts({ declared: 179 }) }).met).toBe(false);
    expect(judge({ name: 'alerts', result: alerts({ declared: 181, duplicates: 1 }) }).met).toBe(false);
    expect(judge({ name: 'alerts', result: alerts({ summaryP95: 3000 }) }).met).toBe(false);
  });

  it('never meets a target when a figure is missing', () => {
    expect(num({ a: { b: 'x' } }, 'a.b')).toBeNaN();
    expect(judge({ name: 'github', result: {} }).met).toBe(false);
    expect(judge({ name: 'incidents', result: { incidents: 10, errors: 0 } }).met).toBe(false);
    expect(judge({ name: 'incidents', result: { incidents: 10, completed: 10, errors: 0 } }).met).toBe(false);
    expect(judge({ name: 'incidents', result: { incidents: 10, completed: 10, errors: 0, totalSeconds: 5, worker: { peakRssMb: 500 } } }).met).toBe(true);
  });

  it('judges issue 16 targets: incidents under 60 s and 1 GB, two cluster workers at 1.6x one, CLI help under 300 ms', () => {
    const incidents = (totalSeconds: number, peakRssMb: number) => judge({ name: 'incidents', result: { incidents: 1000, completed: 1000, errors: 0, totalSeconds, worker: { peakRssMb } } }).met;
    expect(incidents(59.9, 1023)).toBe(true);
    expect(incidents(60, 500)).toBe(false);
    expect(incidents(30, 1024)).toBe(false);
    const cluster = (throughputRatio: number, errors = 0) => judge({ name: 'cluster', result: { throughputRatio, oneWorker: { incidentsPerSecond: 2, errors: 0 }, twoWorkers: { incidentsPerSecond: 2 * throughputRatio, errors } } }).met;
    expect(cluster(1.6)).toBe(true);
    expect(cluster(1.59)).toBe(false);
    expect(cluster(2, 1)).toBe(false);
    expect(judge({ name: 'cli', result: { built: true, bin: { p50Ms: 120, p95Ms: 299 } } }).met).toBe(true);
    expect(judge({ name: 'cli', result: { built: true, bin: { p50Ms: 120, p95Ms: 300 } } }).met).toBe(false);
    expect(judge({ name: 'cli', result: { built: false, bin: { p50Ms: 120, p95Ms: 150 } } }).met).toBe(false);
    expect(judge({ name: 'audit', result: { before: { rowsPerSecond: 300 }, after: { rowsPerSecond: 500, appendMs: { p99: 90 } } } }).met).toBe(true);
  });

  it('carries a failed bench as its error and keeps the others', () => {
    const { summary } = summarize([
      { name: 'declare', error: 'exited 1' },
      { name: 'github', result: { p50Ms: 5, p99Ms: 40, errors: 0, achievedRate: 99.8 } },
    ]);
    expect(summary.declare).toMatchObject({ met: false, error: 'exited 1' });
    expect(summary.declare!.target).toContain('p95');
    expect(summary.github).toMatchObject({ met: true, figures: { p99Ms: 40, errors: 0 } });
  });

  it('takes the last JSON object line of a bench output', () => {
    expect(lastJsonObject('bench: starting\n{"a":1}\n{"b":2}\n')).toEqual({ b: 2 });
    expect(lastJsonObject('no json here\n[1,2]\n')).toBeUndefined();
  });
});
