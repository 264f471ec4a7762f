// How every workflow turns a request away: a non-retryable ApplicationFailure whose message is the
// one sentence the person sees. A plain Error would instead fail the workflow task and retry forever.

import { ApplicationFailure } from '@temporalio/workflow';

export function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}
