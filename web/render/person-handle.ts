// People the database stores by a typed handle (a postmortem's owner and approver, a task's owner)
// shown under the same policy name personName gives actors, so one person reads the same on a page.

import { findPersonByHandle } from '../../domain/policy/lookup.js';
import type { Policy } from '../../domain/policy/index.js';

/** The policy's name for the handle, or the handle itself (callers redact it) when nobody matches. */
export function personNameOf(policy: Policy, handle: string | null | undefined): string | undefined {
  if (!handle) return undefined;
  return findPersonByHandle(policy, handle)?.name ?? handle;
}
