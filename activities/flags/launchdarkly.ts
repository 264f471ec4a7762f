// LaunchDarkly through REST API v2: the flag's `environments[env].on`, semantic patches
// `turnFlagOn`/`turnFlagOff` carrying the note as the change's comment, and the audit log for
// history. Rate limits (429) are waited out using `X-Ratelimit-Reset` (epoch milliseconds).

import type { FlagChange, FlagRef } from '../../domain/flags.js';
import type { ChangeNote } from '../../workflows/incident/messages.js';
import { REQUEST_TIMEOUT_MS, failureFor, flagNotFound, type FlagProvider } from './provider.js';

export interface LaunchDarklySettings {
  apiToken: string;
  apiUrl: string;
}

interface AuditEntry {
  date: number;
  titleVerb?: string;
  title?: string;
  comment?: string;
  member?: { email?: string; firstName?: string; lastName?: string };
  accesses?: { action: string; resource: string }[];
}

export function createLaunchDarklyProvider(settings: LaunchDarklySettings): FlagProvider {
  const base = settings.apiUrl.replace(/\/+$/, '');

  async function call<T>(ref: FlagRef, what: string, path: string, init: { method?: string; body?: unknown; contentType?: string } = {}): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: settings.apiToken,
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': init.contentType ?? 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!res.ok) throw await failureFor(res, ref, what, resetDelayMs(res));
    return (await res.json()) as T;
  }

  const flagPath = (ref: FlagRef) => `/api/v2/flags/${encodeURIComponent(ref.project)}/${encodeURIComponent(ref.flag)}`;
  const spec = (ref: FlagRef) => `proj/${ref.project}:env/${ref.environment}:flag/${ref.flag}`;

  async function auditLog(ref: FlagRef, limit: number): Promise<AuditEntry[]> {
    const query = new URLSearchParams({ spec: spec(ref), limit: String(limit) });
    return (await call<{ items: AuditEntry[] }>(ref, `read the history of ${ref.flag}`, `/api/v2/auditlog?${query}`)).items;
  }

  return {
    kind: 'launchdarkly',
    async isEnabled(ref) {
      const flag = await call<{ environments?: Record<string, { on: boolean }> }>(ref, `read ${ref.flag}`, `${flagPath(ref)}?env=${encodeURIComponent(ref.environment)}`);
      const env = flag.environments?.[ref.environment];
      if (!env) throw flagNotFound(ref, `no environment ${ref.environment}`);
      return env.on;
    },
    async history(ref, limit) {
      const changes = (await auditLog(ref, Math.max(limit * 2, 20))).flatMap((e) => toChange(e, ref.environment));
      return changes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).slice(-limit);
    },
    async setEnabled(ref, enabled, note) {
      await call(ref, `turn ${ref.flag} ${enabled ? 'on' : 'off'}`, flagPath(ref), {
        method: 'PATCH',
        contentType: 'application/json; domain-model=launchdarkly.semanticpatch',
        body: { environmentKey: ref.environment, comment: commentFor(note), instructions: [{ kind: enabled ? 'turnFlagOn' : 'turnFlagOff' }] },
      });
    },
    async hasNote(ref, note) {
      return (await auditLog(ref, 20)).some((e) => e.comment === commentFor(note));
    },
  };
}

/** The key travels in the comment so a retried activity can tell its own earlier change. */
function commentFor(note: ChangeNote): string {
  return `${note.text} [${note.key}]`;
}

function toChange(entry: AuditEntry, environment: string): FlagChange[] {
  const verb = /turned (on|off)/.exec(entry.titleVerb ?? entry.title ?? '');
  if (!verb) return [];
  const by = entry.member?.email ?? ([entry.member?.firstName, entry.member?.lastName].filter(Boolean).join(' ') || 'unknown');
  return [{ at: new Date(entry.date).toISOString(), environment, enabled: verb[1] === 'on', by, ...(entry.comment ? { note: entry.comment } : {}) }];
}

function resetDelayMs(res: Response): number | undefined {
  const reset = Number(res.headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(reset - Date.now(), 100);
  const seconds = Number(res.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
