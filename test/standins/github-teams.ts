// A tiny stand-in for GitHub's team membership endpoints, answering like GitHub: 200 with the
// membership, 204 on removal, 404 for an unknown team or non-member, 422 for an unknown user.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHubTeamsStandIn {
  url: string;
  /** `org/team` → member logins. */
  members: Map<string, Set<string>>;
  calls: { method: string; path: string }[];
  close(): Promise<void>;
}

export async function startGitHubTeamsStandIn(teams: Record<string, string[]>, users: string[]): Promise<GitHubTeamsStandIn> {
  const members = new Map(Object.entries(teams).map(([t, m]) => [t, new Set(m)]));
  const known = new Set(users.map((u) => u.toLowerCase()));
  const calls: GitHubTeamsStandIn['calls'] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    calls.push({ method: req.method ?? '', path });
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const m = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(path);
    const team = m ? members.get(`${m[1]}/${m[2]}`) : undefined;
    if (!m || !team) return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    const login = decodeURIComponent(m[3]!);
    if (req.method === 'PUT') {
      if (!known.has(login.toLowerCase())) return send(422, { message: 'Validation Failed', errors: [{ code: 'invalid', field: 'username' }] });
      team.add(login);
      return send(200, { url: `https://api.github.com${path}`, role: 'member', state: 'active' });
    }
    if (req.method === 'DELETE') {
      if (!team.delete(login)) return send(404, { message: 'Not Found' });
      res.writeHead(204).end();
      return;
    }
    send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, members, calls, close: () => new Promise((r) => server.close(() => r())) };
}
