import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../worker/worker.js';
import { testDataConverter } from '../helpers/encryption.js';

const HISTORIES = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const ALTERED_WORKFLOWS = fileURLToPath(new URL('./altered-workflows.ts', import.meta.url));
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

function load(file: string) {
  return historyFromJSON(JSON.parse(readFileSync(`${HISTORIES}${file}`, 'utf8')));
}

describe('replaying recorded histories', () => {
  it('has histories recorded from real runs', () => {
    expect(files).toEqual(expect.arrayContaining(['v1-incident-lifecycle.json', 'v1-declare.json', 'v1-incident-continue-as-new.json', 'incident-lifecycle.json', 'declare.json', 'incident-continue-as-new.json']));
    const events = load('incident-lifecycle.json').events ?? [];
    // Eight updates, a reminder on a durable timer, and a run that closed the incident.
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length).toBe(8);
    expect(events.some((e) => e.timerStartedEventAttributes)).toBe(true);
    expect(events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
    const continued = load('incident-continue-as-new.json').events ?? [];
    expect(continued.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
  });

  // With the payload codec on, as production workers replay: histories from before encryption
  // carry plaintext payloads, which the codec passes through.
  it.each(files)('%s replays deterministically against the current workflow code', async (file) => {
    await expect(Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH, dataConverter: testDataConverter }, load(file))).resolves.toBeUndefined();
  });

  it('fails with DeterminismViolationError when workflow code changes without patched()', async () => {
    const failure = await Worker.runReplayHistory({ workflowsPath: ALTERED_WORKFLOWS }, load('incident-lifecycle.json')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DeterminismViolationError);
  });
});
