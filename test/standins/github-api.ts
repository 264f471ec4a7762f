// A GitHub REST API stand-in (DESIGN.md §4): an HTTP server that records every call and answers the
// endpoints Firebreak uses the way GitHub does, errors included (401, 404, 422, a 403 secondary rate
// limit or a 429 with `retry-after` injected by a test, once or for every write until it recovers).

import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
  status: number;
  /** The Authorization header as sent (`token …` for installation tokens, `bearer <JWT>` for the App). */
  authorization?: string;
  /** When it arrived (Date.now()), to order it against other stand-ins' calls. */
  at: number;
}

export interface StandInIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: string[];
  user: string;
  assignees: string[];
}

export interface StandInFile {
  path: string;
  sha: string;
  /** The decoded text, as committed. */
  content: string;
  /** Commit messages of every write, oldest first. */
  commits: string[];
}

export interface StandInComment {
  id: number;
  repo: string;
  issue: number;
  body: string;
  user: string;
}

export interface Fault {
  method: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
  times: number;
  /** Only calls whose request body this accepts get the fault (e.g. one particular comment). */
  when?: (body: Record<string, unknown> | undefined) => boolean;
}

export interface StandInDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
  status: string;
  event: string;
  action: string | null;
  redelivery: boolean;
  /** What GitHub would send again: kept by the stand-in, not part of GitHub's listing. */
  payload?: unknown;
}

type Handler = (ctx: { params: string[]; query: Record<string, string>; body: Record<string, unknown> | undefined }) => [number, unknown];

const DOCS = 'https://docs.github.com/rest';
export const notFound: [number, unknown] = [404, { message: 'Not Found', documentation_url: DOCS, status: '404' }];
export const invalid = (field: string, resource: string): [number, unknown] => [
  422,
  { message: 'Validation Failed', errors: [{ resource, code: 'missing_field', field }], documentation_url: DOCS, status: '422' },
];
export const secondaryRateLimit = (retryAfterSeconds: number): Omit<Fault, 'method' | 'path' | 'times'> => ({
  status: 403,
  headers: { 'retry-after': String(retryAfterSeconds) },
  body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: DOCS, status: '403' },
});

/** A 429 as GitHub sends it when a client keeps writing too fast. */
export const tooManyRequests = (retryAfterSeconds: number): Omit<Fault, 'method' | 'path' | 'times'> => ({
  status: 429,
  headers: { 'retry-after': String(retryAfterSeconds) },
  body: { message: 'API rate limit exceeded. Please wait before you try again.', documentation_url: DOCS, status: '429' },
});

export class GitHubStandIn {
  readonly calls: RecordedCall[] = [];
  readonly issues = new Map<string, Map<number, StandInIssue>>();
  // Test files share one database, where an issue belongs to one incident; a random start per
  // stand-in keeps two files' `acme/payments#N` apart, as real repositories' numbers never collide.
  private readonly firstIssueNumber = 1000 + Math.floor(Math.random() * 1_000_000);
  readonly comments: StandInComment[] = [];
  readonly deployments = new Map<string, unknown[]>();
  readonly releases = new Map<string, unknown[]>();
  readonly pulls = new Map<string, unknown[]>();
  /** `owner/repo` → ref (tag, branch or SHA) → commit SHA, for `GET /repos/{o}/{r}/commits/{ref}`. */
  readonly commits = new Map<string, Map<string, string>>();
  readonly hooks = new Map<string, { id: number; config: { url: string } }[]>();
  /** Deliveries by hook: `app` or `owner/repo:hookId`. */
  readonly deliveries = new Map<string, StandInDelivery[]>();
  readonly redeliveryRequests: { hook: string; deliveryId: number }[] = [];
  readonly faults: Fault[] = [];
  private readonly interjections: { method: string; path: RegExp; run: () => void }[] = [];
  /** While set, every write is refused with these answers in turn (see refuseWrites). */
  private refusals?: { answers: Omit<Fault, 'method' | 'path' | 'times'>[]; next: number };
  /** `owner/repo` → path → file, for the contents API. */
  readonly files = new Map<string, Map<string, StandInFile>>();
  /** When set, issue creation refuses assignees outside it with 422, as GitHub does for non-collaborators. */
  assignable?: Set<string>;
  botLogin = 'firebreak-bot';
  /** Where a requested redelivery is POSTed, signed, as GitHub would. */
  redeliverTo?: { url: string; secret: string };
  private server?: Server;
  private nextId = 1000;
  url = '';

  private readonly routes: [string, RegExp, Handler][] = [
    ['GET', /^\/user$/, () => [200, { login: this.botLogin, id: 1, type: 'User' }]],
    ['GET', /^\/app$/, () => [200, { id: 1, slug: 'firebreak' }]],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/installation$/, () => [200, { id: 42 }]],
    ['POST', /^\/app\/installations\/(\d+)\/access_tokens$/, () => [201, { token: 'ghs_standin', expires_at: new Date(Date.now() + 3600_000).toISOString() }]],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/issues$/, ({ params, query }) => this.listIssues(params[0]!, query)],
    ['POST', /^\/repos\/([^/]+\/[^/]+)\/issues$/, ({ params, body }) => this.createIssue(params[0]!, body)],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/, ({ params }) => this.issueJson(params[0]!, Number(params[1]))],
    ['PATCH', /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/, ({ params, body }) => this.updateIssue(params[0]!, Number(params[1]), body)],
    ['POST', /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/, ({ params, body }) => this.createComment(params[0]!, Number(params[1]), body)],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/, ({ params, query }) => this.listComments(params[0]!, Number(params[1]), query)],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/contents\/(.+)$/, ({ params }) => this.getFile(params[0]!, params[1]!)],
    ['PUT', /^\/repos\/([^/]+\/[^/]+)\/contents\/(.+)$/, ({ params, body }) => this.putFile(params[0]!, params[1]!, body)],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/deployments$/, ({ params }) => this.list(this.deployments, params[0]!)],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/releases$/, ({ params }) => this.list(this.releases, params[0]!)],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/commits\/(.+)$/, ({ params }) => this.commit(params[0]!, params[1]!)],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/pulls$/, ({ params }) => this.list(this.pulls, params[0]!)],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/hooks$/, ({ params }) => this.list(this.hooks, params[0]!)],
    ['GET', /^\/repos\/([^/]+\/[^/]+)\/hooks\/(\d+)\/deliveries$/, ({ params }) => this.list(this.deliveries, `${params[0]}:${params[1]}`)],
    ['POST', /^\/repos\/([^/]+\/[^/]+)\/hooks\/(\d+)\/deliveries\/(\d+)\/attempts$/, ({ params }) => this.redeliver(`${params[0]}:${params[1]}`, Number(params[2]))],
    ['GET', /^\/app\/hook\/deliveries$/, () => this.list(this.deliveries, 'app')],
    ['POST', /^\/app\/hook\/deliveries\/(\d+)\/attempts$/, ({ params }) => this.redeliver('app', Number(params[0]))],
  ];

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  seedIssue(repo: string, issue: Partial<StandInIssue> & { number: number }): StandInIssue {
    const full: StandInIssue = { title: 'An issue', body: null, state: 'open', labels: [], user: 'someone', assignees: [], ...issue };
    this.repoIssues(repo).set(issue.number, full);
    return full;
  }

  issue(repo: string, number: number): StandInIssue | undefined {
    return this.issues.get(repo.toLowerCase())?.get(number);
  }

  /** A file as if committed before the test, without a recorded commit. */
  seedFile(repo: string, path: string, content: string): StandInFile {
    const file: StandInFile = { path, sha: blobSha(content), content, commits: [] };
    this.repoFiles(repo).set(path, file);
    return file;
  }

  file(repo: string, path: string): StandInFile | undefined {
    return this.files.get(repo.toLowerCase())?.get(path);
  }

  commentsOn(repo: string, number: number): StandInComment[] {
    return this.comments.filter((c) => c.repo === repo.toLowerCase() && c.issue === number);
  }

  /** The next `times` calls matching method and path get this answer instead of the real one. */
  failNext(method: string, path: RegExp, answer: Omit<Fault, 'method' | 'path' | 'times'>, times = 1, when?: Fault['when']): void {
    this.faults.push({ method, path, times, when, ...answer });
  }

  /**
   * Every write (any method but GET and HEAD) is refused with `answers` in turn, as GitHub refuses a
   * client that floods it, until `recover()`; reads still answer. Refused calls are recorded.
   */
  refuseWrites(...answers: Omit<Fault, 'method' | 'path' | 'times'>[]): { recover(): void } {
    const refusals = { answers, next: 0 };
    this.refusals = refusals;
    return {
      recover: () => {
        if (this.refusals === refusals) this.refusals = undefined;
      },
    };
  }

  /** Runs `run` just before the next call matching method and path is answered: someone else's write racing ours. */
  beforeNext(method: string, path: RegExp, run: () => void): void {
    this.interjections.push({ method, path, run });
  }

  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    const query = Object.fromEntries(url.searchParams);
    const call: RecordedCall = { method: req.method ?? 'GET', path: url.pathname, query, body, status: 0, authorization: req.headers.authorization, at: Date.now() };
    this.calls.push(call);
    const [status, json, headers] = this.answer(call, req.headers.authorization);
    call.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': `STANDIN:${this.calls.length}`, ...headers });
    res.end(status === 204 ? undefined : JSON.stringify(json));
  }

  private answer(call: RecordedCall, authorization: string | undefined): [number, unknown, Record<string, string>?] {
    if (!authorization) return [401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' }];
    const interjection = this.interjections.findIndex((i) => i.method === call.method && i.path.test(call.path));
    if (interjection >= 0) this.interjections.splice(interjection, 1)[0]!.run();
    if (this.refusals && call.method !== 'GET' && call.method !== 'HEAD') {
      const refusal = this.refusals.answers[this.refusals.next++ % this.refusals.answers.length]!;
      return [refusal.status, refusal.body, refusal.headers];
    }
    const fault = this.faults.find((f) => f.times > 0 && f.method === call.method && f.path.test(call.path) && (f.when?.(call.body) ?? true));
    if (fault) {
      fault.times--;
      return [fault.status, fault.body, fault.headers];
    }
    for (const [method, pattern, handler] of this.routes) {
      const m = call.method === method ? pattern.exec(call.path) : null;
      if (m) return handler({ params: m.slice(1).map(decodeURIComponent), query: call.query, body: call.body });
    }
    return notFound;
  }

  private repoIssues(repo: string): Map<number, StandInIssue> {
    const key = repo.toLowerCase();
    if (!this.issues.has(key)) this.issues.set(key, new Map());
    return this.issues.get(key)!;
  }

  private repoFiles(repo: string): Map<string, StandInFile> {
    const key = repo.toLowerCase();
    if (!this.files.has(key)) this.files.set(key, new Map());
    return this.files.get(key)!;
  }

  private fileLinks(repo: string, file: StandInFile) {
    return {
      name: file.path.split('/').at(-1)!,
      path: file.path,
      sha: file.sha,
      size: Buffer.byteLength(file.content),
      url: `${this.url}/repos/${repo}/contents/${file.path}?ref=main`,
      html_url: `https://github.com/${repo}/blob/main/${file.path}`,
      git_url: `${this.url}/repos/${repo}/git/blobs/${file.sha}`,
      download_url: `https://raw.githubusercontent.com/${repo}/main/${file.path}`,
      type: 'file',
    };
  }

  private getFile(repo: string, path: string): [number, unknown] {
    const file = this.file(repo, path);
    if (!file) return notFound;
    // GitHub wraps the base64 at 60 columns; clients must strip the newlines before decoding.
    const content = (Buffer.from(file.content, 'utf8').toString('base64').match(/.{1,60}/g) ?? []).join('\n');
    return [200, { ...this.fileLinks(repo, file), encoding: 'base64', content }];
  }

  /** Like GitHub: 201 created, 200 updated, 422 updating without `sha`, 409 for a stale one. */
  private putFile(repo: string, path: string, body: Record<string, unknown> | undefined): [number, unknown] {
    if (typeof body?.message !== 'string' || !body.message) return invalid('message', 'Content');
    if (typeof body.content !== 'string') return invalid('content', 'Content');
    const existing = this.file(repo, path);
    if (existing && body.sha === undefined) return [422, { message: 'Invalid request.\n\n"sha" wasn\'t supplied.', documentation_url: DOCS, status: '422' }];
    // A sha for a file that is not there (deleted meanwhile) is as stale as an old one.
    if (body.sha !== undefined && body.sha !== existing?.sha) return [409, { message: `${path} does not match ${String(body.sha)}`, documentation_url: DOCS, status: '409' }];
    const content = Buffer.from(body.content, 'base64').toString('utf8');
    const file: StandInFile = { path, sha: blobSha(content), content, commits: [...(existing?.commits ?? []), body.message] };
    this.repoFiles(repo).set(path, file);
    const commit = { sha: createHash('sha1').update(`${path}\n${file.commits.length}\n${file.sha}`).digest('hex'), message: body.message };
    return [existing ? 200 : 201, { content: this.fileLinks(repo, file), commit }];
  }

  private toJson(repo: string, i: StandInIssue) {
    return {
      id: i.number * 1000,
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      labels: i.labels.map((name, n) => ({ id: n + 1, name })),
      user: { login: i.user, type: 'User' },
      assignees: i.assignees.map((login) => ({ login, type: 'User' })),
      html_url: `https://github.com/${repo}/issues/${i.number}`,
      repository_url: `${this.url}/repos/${repo}`,
      comments: this.commentsOn(repo, i.number).length,
    };
  }

  private issueJson(repo: string, number: number): [number, unknown] {
    const issue = this.issue(repo, number);
    return issue ? [200, this.toJson(repo, issue)] : notFound;
  }

  private listIssues(repo: string, query: Record<string, string>): [number, unknown] {
    const labels = query.labels ? query.labels.split(',') : [];
    const state = query.state ?? 'open';
    const found = [...this.repoIssues(repo).values()]
      .filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)))
      .sort((a, b) => b.number - a.number);
    return [200, found.map((i) => this.toJson(repo, i))];
  }

  private createIssue(repo: string, body: Record<string, unknown> | undefined): [number, unknown] {
    if (typeof body?.title !== 'string' || !body.title) return invalid('title', 'Issue');
    const assignees = (body.assignees as string[] | undefined) ?? [];
    const refused = this.assignable ? assignees.find((a) => !this.assignable!.has(a)) : undefined;
    if (refused !== undefined) {
      return [422, { message: 'Validation Failed', errors: [{ value: refused, resource: 'Issue', field: 'assignees', code: 'invalid' }], documentation_url: DOCS, status: '422' }];
    }
    const issues = this.repoIssues(repo);
    const number = Math.max(this.firstIssueNumber - 1, ...issues.keys()) + 1;
    const issue = this.seedIssue(repo, { number, title: body.title, body: (body.body as string) ?? null, labels: (body.labels as string[]) ?? [], user: this.botLogin, assignees });
    return [201, this.toJson(repo, issue)];
  }

  private updateIssue(repo: string, number: number, body: Record<string, unknown> | undefined): [number, unknown] {
    const issue = this.issue(repo, number);
    if (!issue) return notFound;
    if (body?.title === '') return invalid('title', 'Issue');
    if (typeof body?.body === 'string') issue.body = body.body;
    if (body?.state === 'open' || body?.state === 'closed') issue.state = body.state;
    if (Array.isArray(body?.labels)) issue.labels = body.labels as string[];
    return [200, this.toJson(repo, issue)];
  }

  private createComment(repo: string, number: number, body: Record<string, unknown> | undefined): [number, unknown] {
    if (!this.issue(repo, number)) return notFound;
    if (typeof body?.body !== 'string' || !body.body.trim()) return invalid('body', 'IssueComment');
    const comment: StandInComment = { id: this.nextId++, repo: repo.toLowerCase(), issue: number, body: body.body, user: this.botLogin };
    this.comments.push(comment);
    return [201, { id: comment.id, body: comment.body, user: { login: comment.user, type: 'User' }, html_url: `https://github.com/${repo}/issues/${number}#issuecomment-${comment.id}` }];
  }

  /** Oldest first, paged like GitHub (`per_page` up to 100, default 30). */
  private listComments(repo: string, number: number, query: Record<string, string>): [number, unknown] {
    if (!this.issue(repo, number)) return notFound;
    const perPage = Math.min(100, Number(query.per_page ?? 30) || 30);
    const page = Math.max(1, Number(query.page ?? 1) || 1);
    const found = this.commentsOn(repo, number).slice((page - 1) * perPage, page * perPage);
    return [200, found.map((c) => ({ id: c.id, body: c.body, user: { login: c.user, type: 'User' }, html_url: `https://github.com/${repo}/issues/${number}#issuecomment-${c.id}` }))];
  }

  /** Like GitHub: 404 for a repository it does not have, 422 for a ref that names no commit. */
  private commit(repo: string, ref: string): [number, unknown] {
    const refs = this.commits.get(repo.toLowerCase());
    if (!refs && !this.knownRepo(repo)) return notFound;
    const sha = refs?.get(ref) ?? [...(refs?.values() ?? [])].find((s) => s === ref);
    if (!sha) return [422, { message: `No commit found for SHA: ${ref}`, documentation_url: DOCS, status: '422' }];
    return [200, { sha, node_id: `C_${sha.slice(0, 12)}`, commit: { message: `Release ${ref}`, author: { name: 'Release Bot', date: new Date().toISOString() } }, html_url: `https://github.com/${repo}/commit/${sha}`, parents: [] }];
  }

  private list(map: Map<string, unknown[]>, key: string): [number, unknown] {
    const found = map.get(key) ?? map.get(key.toLowerCase());
    return found ? [200, found] : key.includes('/') && !this.knownRepo(key) ? notFound : [200, []];
  }

  private knownRepo(key: string): boolean {
    const repo = key.split(':')[0]!.toLowerCase();
    return [this.issues, this.files, this.deployments, this.releases, this.pulls, this.hooks, this.commits].some((m) => [...m.keys()].some((k) => k.toLowerCase() === repo));
  }

  private redeliver(hook: string, deliveryId: number): [number, unknown] {
    const delivery = this.deliveries.get(hook)?.find((d) => d.id === deliveryId);
    if (!delivery) return notFound;
    // GitHub refuses to redeliver what is older than three days.
    if (Date.now() - Date.parse(delivery.delivered_at) > 3 * 86400_000) return [422, { message: 'Validation Failed', documentation_url: DOCS, status: '422' }];
    this.redeliveryRequests.push({ hook, deliveryId });
    if (this.redeliverTo && delivery.payload !== undefined) void this.send(hook, delivery, this.redeliverTo);
    return [202, {}];
  }

  /** Sends like GitHub and lists the attempt, with the status the receiver answered, like GitHub. */
  private async send(hook: string, delivery: StandInDelivery, to: { url: string; secret: string }): Promise<void> {
    const body = JSON.stringify(delivery.payload);
    const signature = `sha256=${createHmac('sha256', to.secret).update(body).digest('hex')}`;
    const headers = { 'content-type': 'application/json', 'x-github-event': delivery.event, 'x-github-delivery': delivery.guid, 'x-hub-signature-256': signature };
    const status = await fetch(to.url, { method: 'POST', headers, body }).then((r) => r.status, () => 0);
    const attempt = { ...delivery, id: this.nextId++, delivered_at: new Date().toISOString(), status_code: status, status: status < 300 ? 'OK' : 'failed', redelivery: true };
    this.deliveries.get(hook)?.unshift(attempt);
  }
}

/** Git's blob SHA, as GitHub reports it for a file. */
function blobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export async function startGitHubStandIn(): Promise<GitHubStandIn> {
  return new GitHubStandIn().start();
}
