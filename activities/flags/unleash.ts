// Unleash through its Admin API. Unleash records who made a change as the API token's name
// (`createdBy`) and has no comment on a toggle, so every change is annotated with a feature link to
// the incident whose title is the note: it shows on the flag's page and as `feature-link-added` in
// the event log, right before the toggle event it explains.

import type { FlagChange, FlagRef } from '../../domain/flags.js';
import type { ChangeNote } from '../../workflows/incident/messages.js';
import { REQUEST_TIMEOUT_MS, failureFor, type FlagProvider } from './provider.js';

export interface UnleashSettings {
  url: string;
  adminToken: string;
  /** Base of the links written on flags; the dashboard when PUBLIC_URL is set. */
  publicUrl?: string;
}

interface UnleashEvent {
  id: number;
  type: string;
  createdBy: string;
  createdAt: string;
  environment?: string | null;
  data?: { url?: string; title?: string } | null;
}

interface UnleashFeature {
  environments: { name: string; enabled: boolean }[];
  links?: { url: string; title?: string | null }[];
}

const TOGGLES: Record<string, boolean> = { 'feature-environment-enabled': true, 'feature-environment-disabled': false };

export function createUnleashProvider(settings: UnleashSettings): FlagProvider {
  const base = settings.url.replace(/\/+$/, '');
  const linkBase = (settings.publicUrl ?? 'https://firebreak.invalid').replace(/\/+$/, '');
  const noteUrl = (note: ChangeNote) => `${linkBase}/incidents/${note.key.split('/')[0]}#flag-${note.key.split('/').slice(1).join('-')}`;

  async function call<T>(ref: FlagRef, what: string, method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: settings.adminToken, 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!res.ok) throw await failureFor(res, ref, what, retryAfterMs(res));
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const featurePath = (ref: FlagRef) => `/api/admin/projects/${encodeURIComponent(ref.project)}/features/${encodeURIComponent(ref.flag)}`;
  const feature = (ref: FlagRef) => call<UnleashFeature>(ref, `read ${ref.flag}`, 'GET', featurePath(ref));

  return {
    kind: 'unleash',
    async isEnabled(ref) {
      const env = (await feature(ref)).environments.find((e) => e.name === ref.environment);
      if (!env) throw await failureFor(new Response(`no environment ${ref.environment}`, { status: 404 }), ref, `read ${ref.flag}`);
      return env.enabled;
    },
    async history(ref, limit) {
      const { events } = await call<{ events: UnleashEvent[] }>(ref, `read the history of ${ref.flag}`, 'GET', `/api/admin/events/${encodeURIComponent(ref.flag)}`);
      return toChanges(events, ref.environment).slice(-limit);
    },
    async setEnabled(ref, enabled, note) {
      // The note goes first, so a toggle never stands in the log without its explanation.
      await call(ref, `annotate ${ref.flag}`, 'POST', `${featurePath(ref)}/link`, { url: noteUrl(note), title: note.text.slice(0, 250) });
      await call(ref, `turn ${ref.flag} ${enabled ? 'on' : 'off'}`, 'POST', `${featurePath(ref)}/environments/${encodeURIComponent(ref.environment)}/${enabled ? 'on' : 'off'}`);
    },
    async hasNote(ref, note) {
      return ((await feature(ref)).links ?? []).some((l) => l.url === noteUrl(note));
    },
  };
}

/** Toggle events of one environment, oldest first, each with the note written just before it. */
function toChanges(events: UnleashEvent[], environment: string): FlagChange[] {
  const sorted = [...events].sort((a, b) => a.id - b.id);
  const changes: FlagChange[] = [];
  sorted.forEach((e, i) => {
    const enabled = TOGGLES[e.type];
    if (enabled === undefined || e.environment !== environment) return;
    const prev = sorted[i - 1];
    const note = prev?.type === 'feature-link-added' && prev.createdBy === e.createdBy ? prev.data?.title : undefined;
    changes.push({ at: new Date(e.createdAt).toISOString(), environment, enabled, by: e.createdBy, ...(note ? { note } : {}) });
  });
  return changes;
}

function retryAfterMs(res: Response): number | undefined {
  const seconds = Number(res.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
