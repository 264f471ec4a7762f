// Atlassian Statuspage's incidents API as the mirror sees it: create an incident, amend it, and the
// provider's answer turned into what Temporal should do next. Nothing here retries: a 429 waits as
// long as Retry-After asks (Statuspage allows about one request a second per key), a 5xx is retried
// by Temporal, and a refusal that no retry can fix (bad key, unknown page or incident, invalid
// fields) is non-retryable so it reaches the timeline instead of retrying for ever.

import { ApplicationFailure } from '@temporalio/common';
import { activitySignal, waitFailure } from '../shared/pacing.js';

export const DEFAULT_STATUSPAGE_API_URL = 'https://api.statuspage.io';
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** One incident write, in Atlassian's field names. */
export interface AtlassianIncidentFields {
  name?: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
  body: string;
  /** Their component ID → their component status. */
  components: Record<string, string>;
  component_ids: string[];
}

export interface AtlassianStatusPageApi {
  createIncident(pageId: string, fields: AtlassianIncidentFields): Promise<{ id: string }>;
  updateIncident(pageId: string, incidentId: string, fields: AtlassianIncidentFields): Promise<{ id: string }>;
}

export interface AtlassianApiOptions {
  apiUrl: string;
  apiKey: string;
}

export function createAtlassianStatusPageApi(options: AtlassianApiOptions): AtlassianStatusPageApi {
  const base = `${options.apiUrl.replace(/\/+$/, '')}/v1/pages`;
  async function call(method: 'POST' | 'PATCH', path: string, fields: AtlassianIncidentFields): Promise<{ id: string }> {
    const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS), activitySignal()].filter((s): s is AbortSignal => s !== undefined);
    const res = await fetch(`${base}/${path}`, {
      method,
      headers: { authorization: `OAuth ${options.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ incident: fields }),
      signal: AbortSignal.any(signals),
    });
    const answer = (await res.json().catch(() => ({}))) as { id?: unknown; error?: unknown };
    if (res.ok && typeof answer.id === 'string') return { id: answer.id };
    throw atlassianFailure(method === 'POST' ? 'create' : 'update', res.status, answer.error, res.headers.get('retry-after'));
  }
  return {
    createIncident: (pageId, fields) => call('POST', `${encodeURIComponent(pageId)}/incidents`, fields),
    updateIncident: (pageId, incidentId, fields) => call('PATCH', `${encodeURIComponent(pageId)}/incidents/${encodeURIComponent(incidentId)}`, fields),
  };
}

/** Statuspage answers `{ "error": "…" }` or `{ "error": ["…", …] }`. The API key is never in the message. */
function errorText(error: unknown): string {
  if (Array.isArray(error)) return error.map(String).join('; ');
  return typeof error === 'string' ? error : '';
}

export function atlassianFailure(step: 'create' | 'update', status: number, error: unknown, retryAfter: string | null): ApplicationFailure {
  const said = errorText(error);
  const detail = said ? `: ${said}` : '';
  if (status === 429 || status === 420) {
    const seconds = Number(retryAfter);
    const waitMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_RATE_LIMIT_WAIT_MS;
    return waitFailure('StatusPageRateLimited', `Atlassian Statuspage rate-limited the incident ${step}; retrying in ${Math.ceil(waitMs / 1000)}s`, waitMs);
  }
  const refusal = (what: string) => ApplicationFailure.create({ type: 'StatusPageMirrorRefused', message: `Atlassian Statuspage refused the incident ${step} (${status}${detail}); ${what}`, nonRetryable: true });
  if (status === 401 || status === 403) return refusal('check the API key in the variable statusPage.mirror.apiKeyEnv names.');
  if (status === 404) return refusal('check statusPage.mirror.pageId, or whether the incident was deleted there.');
  if (status === 400 || status === 422) return refusal('check the component IDs under statusPage.mirror.components.');
  return ApplicationFailure.create({ type: 'StatusPageUnavailable', message: `Atlassian Statuspage answered ${status} to the incident ${step}${detail}` });
}
