import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../domain/redact.js';
import { createTriageActivities, type TriageSource } from '../../activities/triage.js';

const input = { incident: 'INC-7', services: ['payments'], declaredAt: '2026-12-05T09:00:00.000Z' };

function source(name: string, gather: TriageSource['gather'], retryOnFailure = false): TriageSource {
  return { name, gather, retryOnFailure };
}

describe('gatherTriageContext', () => {
  it('reports a failing outside source in one line and keeps the others', async () => {
    const { gatherTriageContext } = createTriageActivities({
      redactor: createRedactor(),
      sources: [
        source('deploys', async () => {
          throw new Error('GitHub answered 502');
        }),
        source('flags', async () => ({ lines: ['checkout-v2 changed 3 min ago'] })),
      ],
    });
    const found = await gatherTriageContext(input);
    expect(found.text).toBe('(deploys unavailable: GitHub answered 502)\ncheckout-v2 changed 3 min ago');
  });

  // A dropped connection to our own database is transient: recording it would put a query and its
  // parameters on the incident's timeline forever, where a retry a second later would have answered.
  it('throws when a source of our own fails, so the activity retries instead of recording the failure', async () => {
    const { gatherTriageContext } = createTriageActivities({
      redactor: createRedactor(),
      sources: [
        source('similar-incidents', async () => {
          throw new Error('Failed query: select "key" from "incidents" params: INC-7');
        }, true),
      ],
    });
    await expect(gatherTriageContext(input)).rejects.toThrow(/Failed query/);
  });
});
