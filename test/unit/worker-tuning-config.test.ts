import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv, readWorkerTuning, WORKER_TUNING_DEFAULTS } from '../../platform/config/index.js';

const DATABASE_URL = 'postgres://firebreak@127.0.0.1:5432/firebreak';

function errorOf(env: Record<string, string | undefined>): string {
  try {
    parseEnv({ DATABASE_URL, ...env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected parseEnv to throw');
}

describe('worker tuning settings', () => {
  it('defaults keep the cache bounded and the task slots within it', () => {
    const tuning = readWorkerTuning({});
    expect(tuning).toEqual(WORKER_TUNING_DEFAULTS);
    expect(tuning.maxConcurrentWorkflowTasks).toBeLessThanOrEqual(tuning.maxCachedWorkflows);
  });

  it('reads every variable, blank as unset and surrounding spaces ignored', () => {
    const tuning = parseEnv({
      DATABASE_URL,
      FIREBREAK_MAX_CACHED_WORKFLOWS: ' 500 ',
      FIREBREAK_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
      FIREBREAK_MAX_CONCURRENT_ACTIVITIES: '50',
      FIREBREAK_WORKFLOW_TASK_POLLERS: '4',
      FIREBREAK_ACTIVITY_TASK_POLLERS: '',
      DATABASE_POOL_SIZE: '30',
    }).tuning;
    expect(tuning).toEqual({
      maxCachedWorkflows: 500,
      maxConcurrentWorkflowTasks: 20,
      maxConcurrentActivities: 50,
      workflowTaskPollers: 4,
      activityTaskPollers: WORKER_TUNING_DEFAULTS.activityTaskPollers,
      databasePoolSize: 30,
    });
  });

  it('a small cache lowers the default workflow task slots and pollers with it', () => {
    const tuning = readWorkerTuning({ FIREBREAK_MAX_CACHED_WORKFLOWS: '8', FIREBREAK_MAX_CONCURRENT_ACTIVITIES: '3' });
    expect(tuning.maxConcurrentWorkflowTasks).toBe(8);
    expect(tuning.workflowTaskPollers).toBe(8);
    expect(tuning.activityTaskPollers).toBe(3);
  });

  it.each([
    ['FIREBREAK_MAX_CACHED_WORKFLOWS', 'lots', 'FIREBREAK_MAX_CACHED_WORKFLOWS: expected a whole number from 2 to 100000, got "lots"'],
    ['FIREBREAK_MAX_CACHED_WORKFLOWS', '1', 'FIREBREAK_MAX_CACHED_WORKFLOWS: must be from 2 to 100000, got 1'],
    ['FIREBREAK_MAX_CACHED_WORKFLOWS', '2.5', 'FIREBREAK_MAX_CACHED_WORKFLOWS: expected a whole number from 2 to 100000, got "2.5"'],
    ['FIREBREAK_MAX_CONCURRENT_WORKFLOW_TASKS', '-3', 'FIREBREAK_MAX_CONCURRENT_WORKFLOW_TASKS: expected a whole number from 2 to 10000, got "-3"'],
    ['FIREBREAK_MAX_CONCURRENT_ACTIVITIES', '0', 'FIREBREAK_MAX_CONCURRENT_ACTIVITIES: must be from 1 to 10000, got 0'],
    ['FIREBREAK_WORKFLOW_TASK_POLLERS', '101', 'FIREBREAK_WORKFLOW_TASK_POLLERS: must be from 1 to 100, got 101'],
    ['FIREBREAK_ACTIVITY_TASK_POLLERS', '1e2', 'FIREBREAK_ACTIVITY_TASK_POLLERS: expected a whole number from 1 to 100, got "1e2"'],
    ['DATABASE_POOL_SIZE', '0x10', 'DATABASE_POOL_SIZE: expected a whole number from 1 to 1000, got "0x10"'],
    ['DATABASE_POOL_SIZE', '5000', 'DATABASE_POOL_SIZE: must be from 1 to 1000, got 5000'],
  ])('%s=%s is refused with one line naming it', (name, value, message) => {
    expect(errorOf({ [name]: value })).toBe(message);
  });

  it('refuses more workflow task slots than cached workflows, naming both', () => {
    expect(errorOf({ FIREBREAK_MAX_CACHED_WORKFLOWS: '10', FIREBREAK_MAX_CONCURRENT_WORKFLOW_TASKS: '11' })).toBe(
      'FIREBREAK_MAX_CONCURRENT_WORKFLOW_TASKS: 11 is more than FIREBREAK_MAX_CACHED_WORKFLOWS (10); a workflow task needs a cached workflow',
    );
  });
});
