// An Atlassian Statuspage stand-in (DESIGN.md §4): the incidents endpoints of the Manage API answered
// the way Statuspage answers them. POST /v1/pages/{page_id}/incidents creates an incident (201, the
// incident with its id), PATCH …/incidents/{incident_id} amends it (200). `Authorization: OAuth KEY`
// with another key is 401 `{error}`; an unknown page or incident 404 `{error}`; a missing name, an
// unknown incident or component status or component ID 422 `{error: [..]}`; more requests than its
// rate 429 with Retry-After. Every request is recorded, accepted or not, so tests assert both
// effects and their absence.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StatusPageCall {
  method: string;
  path: string;
  body: { incident?: Record<string, unknown> };
  status: number;
}

export interface RemoteIncident {
  id: string;
  name: string;
  status: string;
  components: Record<string, string>;
  /** Each accepted write's body, oldest first. */
  updates: string[];
}

export interface AtlassianStatusPageStandIn {
  url: string;
  calls: StatusPageCall[];
  incidents: Map<string, RemoteIncident>;
  /** The next `times` requests (that `when` accepts) get this status, whatever they carry. */
  failNext(status: number, options?: { times?: number; when?: (call: Pick<StatusPageCall, 'method' | 'path' | 'body'>) => boolean }): void;
  stop(): Promise<void>;
}

const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'];
const COMPONENT_STATUSES = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'];

export async function startAtlassianStatusPageStandIn(options: { pageId: string; apiKey: string; componentIds: string[]; retryAfterSeconds?: number }): Promise<AtlassianStatusPageStandIn> {
  const calls: StatusPageCall[] = [];
  const incidents = new Map<string, RemoteIncident>();
  const faults: { status: number; when: (call: Pick<StatusPageCall, 'method' | 'path' | 'body'>) => boolean }[] = [];
  let counter = 0;

  function problems(fields: Record<string, unknown>, creating: boolean): string[] {
    const errors: string[] = [];
    if (creating && (typeof fields.name !== 'string' || !fields.name.trim())) errors.push("Name can't be blank");
    if (fields.status !== undefined && !INCIDENT_STATUSES.includes(fields.status as string)) errors.push('Status is not included in the list');
    const components = (fields.components ?? {}) as Record<string, unknown>;
    for (const [id, status] of Object.entries(components)) {
      if (!options.componentIds.includes(id)) errors.push(`Component ${id} could not be found`);
      else if (!COMPONENT_STATUSES.includes(status as string)) errors.push('Component status is not included in the list');
    }
    return errors;
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? '';
      const path = req.url ?? '';
      let body: StatusPageCall['body'] = {};
      const send = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
        calls.push({ method, path, body, status });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(answer));
      };
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as StatusPageCall['body']) : {};
      } catch {
        return send(400, { error: 'Malformed request body' });
      }
      if (req.headers.authorization !== `OAuth ${options.apiKey}`) return send(401, { error: 'Could not authenticate' });
      const at = faults.findIndex((f) => f.when({ method, path, body }));
      const fault = at < 0 ? undefined : faults.splice(at, 1)[0]!.status;
      if (fault === 429) return send(429, { error: 'Rate limit exceeded' }, { 'retry-after': String(options.retryAfterSeconds ?? 1) });
      if (fault === 401) return send(401, { error: 'Could not authenticate' });
      if (fault === 422) return send(422, { error: ['Component status is not included in the list'] });
      if (fault !== undefined) return send(fault, { error: 'Internal server error' });
      const match = /^\/v1\/pages\/([^/]+)\/incidents(?:\/([^/]+))?$/.exec(path);
      if (!match || match[1] !== options.pageId) return send(404, { error: 'The requested resource could not be found.' });
      const fields = body.incident;
      if (!fields || typeof fields !== 'object') return send(400, { error: 'incident is missing' });
      const id = match[2];
      if (method === 'POST' && !id) {
        const errors = problems(fields, true);
        if (errors.length) return send(422, { error: errors });
        const incident: RemoteIncident = { id: `inc${++counter}x${Date.now().toString(36)}`, name: String(fields.name), status: String(fields.status ?? 'investigating'), components: { ...(fields.components as Record<string, string>) }, updates: [String(fields.body ?? '')] };
        incidents.set(incident.id, incident);
        return send(201, { id: incident.id, name: incident.name, status: incident.status, page_id: options.pageId, incident_updates: [] });
      }
      if (method === 'PATCH' && id) {
        const incident = incidents.get(id);
        if (!incident) return send(404, { error: 'The requested resource could not be found.' });
        const errors = problems(fields, false);
        if (errors.length) return send(422, { error: errors });
        if (fields.status) incident.status = String(fields.status);
        Object.assign(incident.components, fields.components ?? {});
        incident.updates.push(String(fields.body ?? ''));
        return send(200, { id: incident.id, name: incident.name, status: incident.status, page_id: options.pageId, incident_updates: [] });
      }
      send(405, { error: 'Method not allowed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    incidents,
    failNext: (status, { times = 1, when = () => true } = {}) => void faults.push(...Array.from({ length: times }, () => ({ status, when }))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
