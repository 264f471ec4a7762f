// Sandbox activities: persistence of sandbox transitions, the Postgres replica provider (clone,
// credentials, teardown on the sandbox server) and delivery through the front-ends' notifiers.

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db/client.js';
import { allocateSandboxNumber, applySandboxEvent, getSandbox } from '../../db/queries/sandboxes.js';
import type { StoredSandboxEvent } from '../../domain/child-events.js';
import type { CloneResult, ProvisionInput } from '../../workflows/sandbox/messages.js';
import { timelineEvents } from '../../db/schema/index.js';
import { SYSTEM_ACTOR, type Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Redactor } from '../../domain/redact.js';
import { SandboxPlanError } from '../../domain/sandbox/plan.js';
import { describeProvenance } from '../../domain/sandbox/provenance.js';
import { cloneSandbox } from './clone.js';
import type { SandboxNotice, SandboxNotifier } from './notifier.js';
import { completeProvenance, withProvenanceExtras, type ReleaseResolver } from './provenance.js';
import { destroySandboxDatabase, extendCredentials, issueCredentials, sandboxName } from './target.js';

export type { SandboxNotice, SandboxNotifier } from './notifier.js';
export { createRecordingSandboxNotifier } from './notifier.js';

export interface SandboxSettings {
  /** Superuser URL of the sandbox server (SANDBOX_ADMIN_URL); never the source's. */
  adminUrl?: string;
  /** Keys every mask together with the seed; the same secret must serve recreations. */
  secret?: string;
  /** Where `env:NAME` source references are looked up; process.env by default. */
  env?: Record<string, string | undefined>;
  /** `release:REF` → commit SHA (GitHub), for the provenance record; without it the ref alone is kept. */
  resolveRelease?: ReleaseResolver;
}

export interface SandboxActivityDeps {
  db: Database;
  policy: () => Policy;
  redactor: Redactor;
  notifiers: SandboxNotifier[];
  settings: SandboxSettings;
}

function misconfigured(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'SandboxMisconfigured', message, nonRetryable: true });
}

async function notifyAll(notifiers: SandboxNotifier[], notice: SandboxNotice): Promise<void> {
  const results = await Promise.allSettled(notifiers.map((n) => n.notify(notice)));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

export function createSandboxActivities(deps: SandboxActivityDeps) {
  const { settings } = deps;
  const required = (value: string | undefined, missing: string): string => {
    if (!value) throw misconfigured(missing);
    return value;
  };
  const adminUrl = () => required(settings.adminUrl, 'SANDBOX_ADMIN_URL is not set, so sandboxes cannot be created; set it to the sandbox server.');
  const sourceUrl = (name: string) => {
    const source = deps.policy().sandboxes?.sources[name];
    if (!source) throw misconfigured(`Sandbox source "${name}" is not defined under sandboxes.sources in the policy.`);
    return required((settings.env ?? process.env)[source.urlEnv], `Sandbox source "${name}" reads its URL from ${source.urlEnv}, which is not set.`);
  };

  return {
    async allocateSandboxKey(input: { requestKey: string }): Promise<{ sandbox: string }> {
      return { sandbox: (await allocateSandboxNumber(deps.db, input.requestKey)).sandbox };
    },

    async recordSandboxEvent(event: StoredSandboxEvent): Promise<{ applied: boolean }> {
      const provenance = event.changes.provenance && (await completeProvenance({ ...deps, resolveRelease: settings.resolveRelease }, event.changes.provenance));
      // The record as stored (release commit, flags) is what the timeline shows.
      const text = provenance ? `${event.text}. Provenance: ${describeProvenance(provenance)}` : event.text;
      const redacted = { ...event, text: deps.redactor.forIncident(event.incident).redact(text), changes: { ...event.changes, ...(provenance ? { provenance } : {}) } };
      return { applied: await applySandboxEvent(deps.db, redacted) };
    },

    async getSandboxRecord(input: { sandbox: string }): Promise<{ incident: string; source: string; seed: number; releaseRef?: string; contentHash?: string } | undefined> {
      const row = await getSandbox(deps.db, input.sandbox);
      if (!row) return undefined;
      return { incident: row.incidentKey, source: row.source, seed: row.seed, releaseRef: row.releaseRef ?? undefined, contentHash: row.contentHash ?? undefined };
    },

    /** Long: heartbeats with the table and row it is at; a retry resumes table by table. */
    async provisionSandbox(input: ProvisionInput): Promise<CloneResult> {
      const sandboxes = deps.policy().sandboxes;
      if (!sandboxes) throw misconfigured('The policy has no sandboxes section, so sandboxes cannot be created.');
      const ctx = Context.current();
      let last: unknown = { phase: 'starting' };
      const beat = setInterval(() => ctx.heartbeat(last), 5000);
      try {
        ctx.heartbeat(last);
        return await cloneSandbox({
          sandboxId: input.sandbox,
          sourceUrl: sourceUrl(input.source),
          sandboxAdminUrl: adminUrl(),
          seed: input.seed,
          secret: required(settings.secret, 'No sandbox masking secret is configured; set one so masks cannot be recomputed from guesses.'),
          // Only this source's rules: another source may have a table of the same name.
          rules: { subset: sandboxes.subset, masking: sandboxes.sources[input.source]?.masking ?? {} },
          source: input.source,
          redactor: deps.redactor,
          redactionPatterns: deps.policy().redaction.patterns,
          signal: ctx.cancellationSignal,
          onProgress: (p) => ctx.heartbeat((last = p)),
        });
      } catch (error) {
        if (error instanceof SandboxPlanError) throw ApplicationFailure.create({ type: 'SandboxRefused', message: error.message, nonRetryable: true, details: [error.problems] });
        throw error;
      } finally {
        clearInterval(beat);
      }
    },

    /** The password goes to the notifiers only; the workflow learns the role and where to connect. */
    async issueSandboxCredentials(input: { sandbox: string; incident: string; requester: Actor; validUntil: string }) {
      const creds = await issueCredentials(adminUrl(), input.sandbox, new Date(input.validUntil));
      const key = `${input.sandbox}:credentials:${input.validUntil}:${Context.current().info.attempt}`;
      await notifyAll(deps.notifiers, { kind: 'credentials', sandbox: input.sandbox, incident: input.incident, key, requester: input.requester, url: creds.url, role: creds.role, validUntil: creds.validUntil });
      const url = new URL(creds.url);
      return { role: creds.role, host: url.host, database: sandboxName(input.sandbox) };
    },

    async extendSandboxCredentials(input: { sandbox: string; validUntil: string }): Promise<void> {
      await extendCredentials(adminUrl(), input.sandbox, new Date(input.validUntil));
    },

    async destroySandbox(input: { sandbox: string }): Promise<void> {
      await destroySandboxDatabase(adminUrl(), input.sandbox);
    },

    async publishSandboxPlaybook(input: { sandbox: string; incident: string; markdown: string }): Promise<void> {
      const stored = (await getSandbox(deps.db, input.sandbox))?.provenance;
      const markdown = deps.redactor.forIncident(input.incident).redact(withProvenanceExtras(input.markdown, stored));
      // The playbook belongs to the incident's record too (dashboard, postmortem), not only to Slack and GitHub.
      await deps.db
        .insert(timelineEvents)
        .values({ incidentKey: input.incident, occurredAt: new Date(), kind: 'child', actor: SYSTEM_ACTOR, text: `${input.sandbox} reproduction playbook`, details: { sandbox: input.sandbox, action: 'sandbox.playbook', markdown }, idempotencyKey: `${input.sandbox}:playbook` })
        .onConflictDoNothing();
      await notifyAll(deps.notifiers, { kind: 'playbook', ...input, key: `${input.sandbox}:playbook`, markdown });
    },
  };
}
