import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { SYSTEM_ACTOR } from '../../domain/incident.js';
import { renderPlaybook, type SandboxProvenance } from '../../domain/sandbox/provenance.js';
import { notifications, provisioning, sandboxServer } from './activities.js';
import { registerSandboxHandlers } from './handlers.js';
import type { CloneResult, SandboxInput, SandboxView } from './messages.js';
import { Sandbox } from './state.js';

/**
 * One debugging sandbox (`sandbox:SBX-N`), a child of its incident started with ABANDON so it
 * outlives an incident that is terminated or continues as new: provisioning → ready (→ extended)
 * → tearing down → destroyed, or failed. It owns its TTL timer and warns before it; the incident's
 * resolve (teardown signal), `destroy` or the expiry end it, and teardown always runs to the end.
 */
export async function sandboxWorkflow(input: SandboxInput): Promise<SandboxView> {
  const sb = new Sandbox(input);
  registerSandboxHandlers(sb);
  await sb.record('sandbox.request', input.requester, `${input.sandbox} requested: ${sb.summary()}`, { status: 'provisioning' });
  const scope = new CancellationScope();
  const ready = await scope
    .run(async () => {
      // A destroy or the incident's resolve during the copy cancels it; teardown then drops what exists.
      void condition(() => sb.teardownReason !== undefined || sb.state.status !== 'provisioning').then(() => {
        if (sb.state.status === 'provisioning') scope.cancel();
      });
      await provision(sb);
    })
    .then(() => sb.state.status === 'ready')
    .catch(async (err: unknown) => {
      if (isCancellation(err)) return false;
      const message = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      await sb.record('sandbox.fail', SYSTEM_ACTOR, `${input.sandbox} could not be created: ${message}`, { status: 'failed', endReason: message, endedAt: new Date().toISOString() });
      return false;
    });
  if (ready) await live(sb);
  await CancellationScope.nonCancellable(() => tearDown(sb));
  return sb.view();
}

async function provision(sb: Sandbox): Promise<void> {
  const { input } = sb;
  const clone = await provisioning.provisionSandbox({ sandbox: input.sandbox, source: input.source, seed: input.seed });
  const readyAt = new Date();
  const expiresAt = new Date(readyAt.getTime() + input.ttlSeconds * 1000).toISOString();
  const connection = await sandboxServer.issueSandboxCredentials({ sandbox: input.sandbox, incident: input.incident, requester: input.requester, validUntil: expiresAt });
  const provenance = provenanceOf(input, clone);
  const matches = input.recreatedFrom?.contentHash === undefined ? undefined : input.recreatedFrom.contentHash === clone.contentHash;
  sb.state.connection = connection;
  if (matches !== undefined) sb.state.matchesOriginal = matches;
  const same = matches === undefined ? '' : matches ? `; same content as ${input.recreatedFrom!.sandbox}` : `; content differs from ${input.recreatedFrom!.sandbox} (the source changed since)`;
  await sb.record('sandbox.ready', SYSTEM_ACTOR, `${input.sandbox} is ready until ${expiresAt}${same}; credentials sent to the requester privately`, {
    status: 'ready',
    provenance,
    readyAt: readyAt.toISOString(),
    expiresAt,
  });
  const hypothesis = [...input.timeline].reverse().find((e) => /^hypothesis\b/i.test(e.text))?.text;
  const markdown = renderPlaybook({ provenance, connection, expiresAt, incidentTitle: input.incidentTitle, timeline: input.timeline, ...(hypothesis ? { hypothesis } : {}) });
  await notifications.publishSandboxPlaybook({ sandbox: input.sandbox, incident: input.incident, markdown }).catch(() => undefined);
}

function provenanceOf(input: SandboxInput, clone: CloneResult): SandboxProvenance {
  return {
    sandbox: input.sandbox,
    incident: input.incident,
    source: { name: input.source, database: clone.source.database, server: clone.source.server },
    snapshotAt: clone.snapshotAt,
    schemaHash: clone.schemaHash,
    policyHash: clone.policyHash,
    seed: clone.seed,
    ...(input.release ? { release: input.release } : {}),
    rowCounts: clone.rowCounts,
    rules: clone.rules,
    contentHash: clone.contentHash,
    requester: input.requesterName,
    ttlSeconds: input.ttlSeconds,
    ...(input.recreatedFrom ? { recreatedFrom: input.recreatedFrom.sandbox } : {}),
  };
}

/** Ready until the expiry, a destroy or the incident's teardown; warns once per expiry time. */
async function live(sb: Sandbox): Promise<void> {
  const { state, input } = sb;
  while (!sb.teardownReason) {
    const seen = sb.version;
    const expires = Date.parse(state.expiresAt!);
    const warnAt = expires - input.warnBeforeSeconds * 1000;
    const warn = state.warnedAt !== state.expiresAt && warnAt > Date.now();
    const due = warn ? warnAt : expires;
    const woke = await condition(() => sb.version !== seen || sb.teardownReason !== undefined, Math.max(due - Date.now(), 1));
    if (woke) continue;
    if (warn) {
      state.warnedAt = state.expiresAt;
      await sb.record('sandbox.expiring', SYSTEM_ACTOR, `${input.sandbox} expires at ${state.expiresAt}; \`sandbox extend ${input.sandbox} 1h\` keeps it`, {});
    } else if (Date.now() >= expires) sb.requestTeardown(SYSTEM_ACTOR, `reached its expiry at ${state.expiresAt}`);
  }
}

async function tearDown(sb: Sandbox): Promise<void> {
  const { input } = sb;
  const why = sb.teardownReason ?? { actor: SYSTEM_ACTOR, reason: sb.state.endReason ?? 'provisioning failed' };
  const failed = sb.state.status === 'failed';
  if (!failed) await sb.record('sandbox.teardown', why.actor, `${input.sandbox} tearing down: ${why.reason}`, { status: 'tearing_down' });
  await sandboxServer.destroySandbox({ sandbox: input.sandbox });
  if (!failed) await sb.record('sandbox.destroy', why.actor, `${input.sandbox} destroyed: database and role removed`, { status: 'destroyed', endedAt: new Date().toISOString(), endReason: why.reason });
  else await sb.report();
}
