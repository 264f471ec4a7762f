// Whether a rollback helped: the service's error-rate expression evaluated through a
// Prometheus-compatible HTTP API (`GET /api/v1/query?query=…&time=…`) at the rollback and now.

import { ApplicationFailure } from '@temporalio/common';
import type { ErrorRateVerdict } from '../../workflows/incident/messages.js';
import { REQUEST_TIMEOUT_MS } from './provider.js';


interface QueryResponse {
  status: string;
  error?: string;
  data?: { resultType: string; result: { value?: [number, string] }[] | [number, string] };
}

export function createErrorRateCheck(prometheusUrl: string | undefined) {
  async function sample(query: string, at: string): Promise<number | undefined> {
    const params = new URLSearchParams({ query, time: String(Date.parse(at) / 1000) });
    const res = await fetch(`${prometheusUrl!.replace(/\/+$/, '')}/api/v1/query?${params}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await res.json().catch(() => ({ status: 'error', error: res.statusText }))) as QueryResponse;
    if (res.status === 400 || res.status === 422) {
      throw ApplicationFailure.create({ type: 'FlagRequestRejected', message: `Prometheus refused the error-rate query: ${body.error ?? res.status}`, nonRetryable: true });
    }
    if (!res.ok || body.status !== 'success') throw new Error(`Prometheus query failed (${res.status}): ${body.error ?? ''}`);
    const result = body.data?.result;
    const value = body.data?.resultType === 'scalar' ? (result as [number, string])[1] : (result as { value?: [number, string] }[] | undefined)?.[0]?.value?.[1];
    const n = value === undefined ? NaN : Number(value);
    return Number.isFinite(n) ? n : undefined;
  }

  return async (input: { query: string; before: string; after: string }): Promise<ErrorRateVerdict> => {
    if (!prometheusUrl) return { text: 'not verified: no PROMETHEUS_URL is configured' };
    const [before, after] = [await sample(input.query, input.before), await sample(input.query, input.after)];
    if (before === undefined || after === undefined) return { before, after, text: 'not verified: the error-rate query returned no data' };
    const improved = after < before;
    const fmt = (n: number) => (Math.round(n * 10000) / 10000).toString();
    return { before, after, improved, text: `error rate ${improved ? 'improved' : 'did not improve'}: ${fmt(before)} → ${fmt(after)}` };
  };
}
