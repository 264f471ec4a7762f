// The sandbox workflow's public contract (`sandbox:SBX-N`). Front-ends import this file (never
// workflow.ts) to extend and destroy; creating and recreating are incident updates
// (incident/messages.ts).

import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import type { SandboxProvenance } from '../../domain/sandbox/provenance.js';
import type { TimelineEntry } from '../../domain/timeline.js';

export type SandboxStatus = 'provisioning' | 'ready' | 'tearing_down' | 'destroyed' | 'failed';

export interface SandboxInput {
  sandbox: string;
  incident: string;
  incidentTitle: string;
  requester: Actor;
  /** Policy name of the requester, for the provenance record. */
  requesterName: string;
  source: string;
  seed: number;
  ttlSeconds: number;
  /** Longest life from ready, extensions included. */
  maxTtlSeconds: number;
  /** How long before expiry the requester is warned. */
  warnBeforeSeconds: number;
  release?: { ref: string; sha?: string };
  /** `sandbox recreate`: the sandbox rebuilt, and the content hash it had. */
  recreatedFrom?: { sandbox: string; contentHash?: string };
  /** The incident's timeline when the sandbox was asked for, for the playbook. */
  timeline: TimelineEntry[];
  /** The policy the incident acts on, for decisions on extend and destroy (older sandboxes load it). */
  policySnapshot?: Policy;
  /** The commander at creation; the incident's signal keeps it current. */
  commander?: Actor;
}

export interface SandboxView {
  sandbox: string;
  incident: string;
  status: SandboxStatus;
  source: string;
  seed: number;
  requester: Actor;
  ttlSeconds: number;
  requestedAt: string;
  readyAt?: string;
  expiresAt?: string;
  warnedAt?: string;
  endedAt?: string;
  endReason?: string;
  provenance?: SandboxProvenance;
  /** Where to connect; the password went to the requester by DM only. */
  connection?: { host: string; database: string; role: string };
  /** For a recreation: whether the content hash equals the original's. */
  matchesOriginal?: boolean;
}

export interface SandboxActorInput {
  actor: Actor;
  reason?: string;
}
export interface ExtendSandboxInput extends SandboxActorInput {
  seconds: number;
}

export const stateQuery = defineQuery<SandboxView>('state');
export const extendSandboxUpdate = defineUpdate<SandboxView, [ExtendSandboxInput]>('extend');
export const destroySandboxUpdate = defineUpdate<SandboxView, [SandboxActorInput]>('destroy');

// What the sandbox workflow hands to activities and gets back from them, and so writes into its
// history: defined here, with the messages, so a query or the clone engine cannot silently change it.

/** What the sandbox asks the clone engine to build. */
export interface ProvisionInput {
  sandbox: string;
  source: string;
  seed: number;
}

/** What a provisioned clone reports back (the provenance record is built from it). */
export interface CloneResult {
  database: string;
  source: { database: string; server: string };
  snapshotAt: string;
  schemaHash: string;
  policyHash: string;
  seed: number;
  rowCounts: Record<string, number>;
  /** Per table, the rule and why for each masked column (kept columns are left out). */
  rules: Record<string, Record<string, string>>;
  contentHash: string;
  /** True when tables copied by an interrupted attempt were kept. */
  resumed: boolean;
}
