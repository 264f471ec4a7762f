// The policy a workflow decides with: loaded once (or handed over as a snapshot by the incident)
// and then the same for the whole run, so a decision replays as it was taken.

import { ApplicationFailure } from '@temporalio/workflow';
import type { Policy } from '../../domain/policy/index.js';

export class PolicyHolder {
  private loaded: Policy | undefined;

  constructor(snapshot?: Policy) {
    this.loaded = snapshot;
  }

  get isLoaded(): boolean {
    return this.loaded !== undefined;
  }

  /** Keeps what `load` yields; the returned promise is what the serial queue waits for first. */
  loadFrom(load: Promise<Policy>): Promise<void> {
    return load.then((p) => {
      this.loaded = p;
    });
  }

  /** Keeps a policy obtained elsewhere and returns it. */
  keep(policy: Policy): Policy {
    this.loaded = policy;
    return policy;
  }

  /** The policy, or undefined while it is still loading. */
  peek(): Policy | undefined {
    return this.loaded;
  }

  /** The policy; asking before it is loaded is a bug, failed loudly rather than decided without it. */
  get(): Policy {
    if (!this.loaded) throw ApplicationFailure.create({ type: 'PolicyNotLoaded', message: 'Policy not loaded yet.' });
    return this.loaded;
  }
}
