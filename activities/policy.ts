import type { Policy } from '../domain/policy/index.js';

/**
 * Workflows read the policy through this activity, so the version they act on is recorded in
 * their history and replays see the same rules even after the file changes.
 */
export function createPolicyActivities({ policy }: { policy: () => Policy }) {
  return {
    async loadPolicy(): Promise<Policy> {
      return policy();
    },
  };
}
