import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// The dev server the global setup starts must carry the search attributes of DESIGN.md §3, or every
// incident query in the dashboard, the CLI and the bots fails at run time.

// temporal.api.enums.v1.IndexedValueType, as listSearchAttributes reports types.
const KEYWORD = 2;
const KEYWORD_LIST = 7;

const severity = defineSearchAttributeKey('FirebreakSeverity', SearchAttributeType.KEYWORD);
const services = defineSearchAttributeKey('FirebreakServices', SearchAttributeType.KEYWORD_LIST);

describe('Temporal dev server of the test run', () => {
  const namespace = inject('temporalNamespace');
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace });
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('registers the Firebreak search attributes with their types', async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(customAttributes).toMatchObject({
      FirebreakIncident: KEYWORD,
      FirebreakSeverity: KEYWORD,
      FirebreakPhase: KEYWORD,
      FirebreakServices: KEYWORD_LIST,
    });
  });

  it('lists workflows by FirebreakSeverity', async () => {
    // No worker polls this queue: the execution only has to exist to be visible.
    const handle = await client.workflow.start('firebreakVisibilityProbe', {
      taskQueue: `probe-${randomUUID()}`,
      workflowId: `probe:${randomUUID()}`,
      typedSearchAttributes: [
        { key: severity, value: 'SEV2' },
        { key: services, value: ['checkout', 'payments'] },
      ],
    });
    try {
      const query = `FirebreakSeverity="SEV2" AND WorkflowId="${handle.workflowId}"`;
      // Visibility is eventually consistent, even on the dev server.
      await expect.poll(() => listIds(query), { timeout: 10_000 }).toEqual([handle.workflowId]);
    } finally {
      await handle.terminate('probe done');
    }
  });

  it('rejects a query on an attribute that is not registered', async () => {
    // The SDK wraps the server's answer; the cause names the attribute the server did not know.
    const failure = await listIds('FirebreakNoSuchAttribute="x"').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).cause)).toMatch(/FirebreakNoSuchAttribute/);
  });

  async function listIds(query: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
    return ids;
  }
});
