// The incident's outward messages: public status page updates and pages to on-call.
// Part of the incident's contract; re-exported by ../messages.ts.

import { defineUpdate } from '@temporalio/workflow';
import type { PageRequest, PageResult } from '../../../domain/paging.js';
import type { ComponentChange, PublicUpdateRequest } from '../../../domain/statuspage.js';
import type { ActorInput } from './actor.js';

/** `statuspage open|update|resolve`: the only way text reaches the public status page. */
export interface PublicUpdateInput extends ActorInput, PublicUpdateRequest {}
export interface PublicUpdateResult {
  incident: string;
  sequence: number;
  verb: PublicUpdateRequest['verb'];
  components: ComponentChange[];
  /** As published: redacted. */
  text: string;
  publishedAt: string;
}
export const publishStatusPageUpdate = defineUpdate<PublicUpdateResult, [PublicUpdateInput]>('publishStatusPage');

/** "Keep it open", the answer to the resolve question: the public incident stays, and the timeline says who chose so. */
export type KeepPublicIncidentInput = ActorInput;
export interface KeepPublicIncidentResult {
  incident: string;
  text: string;
}
export const keepPublicIncidentUpdate = defineUpdate<KeepPublicIncidentResult, [KeepPublicIncidentInput]>('keepPublicIncident');

/** `page SERVICE|@team [REASON…]`: a trigger per paged service, through each pager covering it (payloads in domain/paging.ts). */
export interface PageInput extends ActorInput, PageRequest {}
export const pageUpdate = defineUpdate<PageResult, [PageInput]>('page');
