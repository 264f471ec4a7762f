// A LaunchDarkly REST API v2 stand-in (DESIGN.md §4): flags per project with per-environment `on`,
// semantic patches (`turnFlagOn`/`turnFlagOff` with a comment, only with the semantic-patch content
// type), the audit log, and LaunchDarkly's errors: 401 without the token, 404 for an unknown flag,
// 400 for a bad patch, and 429 with `X-Ratelimit-Reset` (epoch ms) when a test injects it.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LdCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
  contentType?: string;
  status: number;
}

interface AuditItem {
  _id: string;
  date: number;
  kind: 'flag';
  name: string;
  titleVerb: string;
  title: string;
  comment?: string;
  member: { email: string };
  accesses: { action: string; resource: string }[];
}

export interface LaunchDarklyStandIn {
  url: string;
  token: string;
  calls: LdCall[];
  /** Creates (or replaces) a flag with its per-environment state and an empty history. */
  setFlag(project: string, key: string, environments: Record<string, boolean>): void;
  /** A change someone made in the LaunchDarkly UI, `secondsAgo` before now. */
  recordChange(project: string, key: string, env: string, on: boolean, by: string, secondsAgo: number): void;
  isOn(project: string, key: string, env: string): boolean | undefined;
  audit(project: string, key: string): AuditItem[];
  /** The next `times` requests get 429 with a reset `resetMs` from now. */
  rateLimit(times: number, resetMs: number): void;
  stop(): Promise<void>;
}

const SEMANTIC = 'application/json; domain-model=launchdarkly.semanticpatch';

export async function startLaunchDarklyStandIn(token = 'api-test-ld-token'): Promise<LaunchDarklyStandIn> {
  const flags = new Map<string, Record<string, boolean>>();
  const auditLog = new Map<string, AuditItem[]>();
  const calls: LdCall[] = [];
  let limited = { times: 0, resetMs: 0 };
  let nextId = 1;

  function addAudit(project: string, key: string, env: string, on: boolean, by: string, date: number, comment?: string) {
    const items = auditLog.get(`${project}/${key}`) ?? [];
    const verb = `turned ${on ? 'on' : 'off'} the flag`;
    items.unshift({
      _id: `a${nextId++}`,
      date,
      kind: 'flag',
      name: key,
      titleVerb: verb,
      title: `${by} ${verb} ${key} in \`${env}\``,
      ...(comment ? { comment } : {}),
      member: { email: by },
      accesses: [{ action: 'updateOn', resource: `proj/${project}:env/${env}:flag/${key}` }],
    });
    auditLog.set(`${project}/${key}`, items);
  }

  function route(req: IncomingMessage, path: string, query: Record<string, string>, body: Record<string, unknown> | undefined): [number, unknown, Record<string, string>?] {
    if (req.headers.authorization !== token) return [401, { code: 'unauthorized', message: 'Invalid account ID header' }];
    if (limited.times > 0) {
      limited.times--;
      const reset = Date.now() + limited.resetMs;
      return [429, { code: 'rate_limited', message: 'Rate limited' }, { 'x-ratelimit-reset': String(reset), 'x-ratelimit-route-remaining': '0' }];
    }
    const flag = /^\/api\/v2\/flags\/([^/]+)\/([^/]+)$/.exec(path);
    if (flag) {
      const [project, key] = [decodeURIComponent(flag[1]!), decodeURIComponent(flag[2]!)];
      const envs = flags.get(`${project}/${key}`);
      if (!envs) return [404, { code: 'not_found', message: 'Unknown resource' }];
      if (req.method === 'GET') return [200, { key, environments: Object.fromEntries(Object.entries(envs).map(([e, on]) => [e, { on, _environmentName: e }])) }];
      if (req.method === 'PATCH') return patch(req, project, key, envs, body);
    }
    if (req.method === 'GET' && path === '/api/v2/auditlog') {
      const spec = /^proj\/([^:]+):env\/([^:]+):flag\/(.+)$/.exec(query.spec ?? '');
      if (!spec) return [400, { code: 'invalid_request', message: 'spec is required' }];
      const items = (auditLog.get(`${spec[1]}/${spec[3]}`) ?? []).filter((i) => i.accesses.some((a) => a.resource.includes(`env/${spec[2]}:`)));
      return [200, { items: items.slice(0, Number(query.limit ?? 10)) }];
    }
    return [404, { code: 'not_found', message: 'Unknown resource' }];
  }

  function patch(req: IncomingMessage, project: string, key: string, envs: Record<string, boolean>, body: Record<string, unknown> | undefined): [number, unknown] {
    if (req.headers['content-type'] !== SEMANTIC) return [400, { code: 'invalid_request', message: 'expected a JSON patch array' }];
    const env = body?.environmentKey;
    const instructions = body?.instructions as { kind?: string }[] | undefined;
    if (typeof env !== 'string' || !(env in envs)) return [400, { code: 'invalid_request', message: 'environmentKey is required and must exist' }];
    if (!Array.isArray(instructions) || instructions.length === 0) return [400, { code: 'invalid_request', message: 'instructions are required' }];
    for (const i of instructions) {
      if (i.kind !== 'turnFlagOn' && i.kind !== 'turnFlagOff') return [400, { code: 'invalid_request', message: `unsupported instruction ${i.kind}` }];
      const on = i.kind === 'turnFlagOn';
      if (envs[env] !== on) {
        envs[env] = on;
        addAudit(project, key, env, on, 'firebreak-service-token', Date.now(), typeof body?.comment === 'string' ? body.comment : undefined);
      }
    }
    return [200, { key, environments: Object.fromEntries(Object.entries(envs).map(([e, on]) => [e, { on }])) }];
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://standin');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      const query = Object.fromEntries(url.searchParams);
      const [status, payload, headers] = route(req, url.pathname, query, body);
      calls.push({ method: req.method ?? 'GET', path: url.pathname, query, body, contentType: req.headers['content-type'], status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    calls,
    setFlag(project, key, environments) {
      flags.set(`${project}/${key}`, { ...environments });
      auditLog.delete(`${project}/${key}`);
    },
    recordChange(project, key, env, on, by, secondsAgo) {
      const envs = flags.get(`${project}/${key}`)!;
      envs[env] = on;
      addAudit(project, key, env, on, by, Date.now() - secondsAgo * 1000);
    },
    isOn: (project, key, env) => flags.get(`${project}/${key}`)?.[env],
    audit: (project, key) => auditLog.get(`${project}/${key}`) ?? [],
    rateLimit(times, resetMs) {
      limited = { times, resetMs };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
