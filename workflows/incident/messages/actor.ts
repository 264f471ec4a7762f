// Who asks: the part every incident message input shares. In a file of its own so the concern
// files beside it and ../messages.ts (which re-exports them all) import it without a loop.

import type { Actor } from '../../../domain/incident.js';

export interface ActorInput {
  actor: Actor;
}
