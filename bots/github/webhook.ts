// POST /github/webhooks: verify the signature on the raw body, remember the delivery, act (a
// workflow start or update, never an outbound GitHub call), answer; replies are posted afterwards.

import type { IncomingMessage } from 'node:http';
import type { EmitterWebhookEvent, Webhooks } from '@octokit/webhooks';
import { eq } from 'drizzle-orm';
import { splitRepo } from '../../domain/github/refs.js';
import { processedRequests } from '../../db/schema/index.js';
import { readText } from '../../platform/http/read-body.js';
import { sendJson, type RouteHandler } from '../../platform/http/server.js';
import { onIssueComment } from './comments.js';
import { ignored, type GitHubFrontEnd, type Outcome, type Reply } from './context.js';
import { onIssues } from './issues.js';

/**
 * GitHub allows deliveries up to 25 MB, but the events Firebreak acts on are far smaller: an issue
 * or comment body is at most 65,536 characters, and the largest event here (an edited comment:
 * comment, issue body and the previous text) stays near 1 MB even escaped. Bigger deliveries (huge
 * pushes) are events Firebreak ignores anyway, and a 25 MB buffer per connection is an invitation.
 */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** The bot's login is fetched once at start; a handler never waits on GitHub longer than this. */
const BOT_LOGIN_WAIT_MS = 1_000;

export function createWebhookHandler(fe: GitHubFrontEnd, webhooks: Webhooks): RouteHandler {
  return async (req, res) => {
    const id = header(req, 'x-github-delivery');
    const name = header(req, 'x-github-event');
    const signature = header(req, 'x-hub-signature-256');
    if (!id || !name || !signature) return sendJson(res, 400, { error: 'missing X-GitHub-Delivery, X-GitHub-Event or X-Hub-Signature-256' });
    // Capped before the signature check: an unsigned body is never held whole in memory.
    const body = await readText(req, MAX_BODY_BYTES);
    if (!(await webhooks.verify(body, signature).catch(() => false))) return sendJson(res, 401, { error: 'signature does not match' });

    const key = `github-delivery:${id}`;
    const fresh = await fe.db.insert(processedRequests).values({ key, kind: 'github.delivery', result: { event: name } }).onConflictDoNothing().returning();
    if (fresh.length === 0) return sendJson(res, 200, { status: 'duplicate delivery' });

    let outcome: Outcome;
    try {
      outcome = await dispatch(fe, { id, name, payload: JSON.parse(body) } as EmitterWebhookEvent);
    } catch (err) {
      // Forget the delivery, so GitHub's (or our schedule's) redelivery gets a second chance.
      await fe.db.delete(processedRequests).where(eq(processedRequests.key, key));
      fe.logger.error({ err, delivery: id, event: name }, 'GitHub delivery failed');
      return sendJson(res, 500, { error: 'delivery failed; it can be redelivered' });
    }
    fe.logger.info({ delivery: id, event: name, result: outcome.result }, 'GitHub delivery');
    await fe.db.update(processedRequests).set({ result: { event: name, outcome: outcome.result } }).where(eq(processedRequests.key, key));
    sendJson(res, 200, { status: outcome.result });
    if (outcome.reply) void postReply(fe, outcome.reply);
  };
}

async function dispatch(fe: GitHubFrontEnd, event: EmitterWebhookEvent): Promise<Outcome> {
  if (event.name === 'ping') return { result: 'pong' };
  const sender = 'sender' in event.payload ? event.payload.sender : undefined;
  if (sender && (sender.type === 'Bot' || sender.login === (await botLogin(fe)))) return ignored('sent by a bot');
  if (event.name === 'issues') return onIssues(fe, event.payload);
  if (event.name === 'issue_comment') return onIssueComment(fe, event.payload);
  return ignored(`${event.name} events`);
}

async function botLogin(fe: GitHubFrontEnd): Promise<string | undefined> {
  return Promise.race([fe.api.botLogin(), new Promise<undefined>((r) => setTimeout(() => r(undefined), BOT_LOGIN_WAIT_MS).unref())]);
}

async function postReply(fe: GitHubFrontEnd, reply: Reply): Promise<void> {
  try {
    const { owner, name } = splitRepo(reply.repo);
    const client = await fe.api.forRepo(reply.repo);
    await client.rest.issues.createComment({ owner, repo: name, issue_number: reply.number, body: reply.body });
  } catch (err) {
    fe.logger.warn({ err, repo: reply.repo, issue: reply.number }, 'could not post the reply comment');
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
