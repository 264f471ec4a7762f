// Each outside system (Slack, GitHub) is built in two halves: what Firebreak sends to it
// (activities/<system>/integration.ts, needed where activities run) and what it sends to Firebreak
// (bots/<system>/integration.ts, needed where the HTTP server runs). FIREBREAK_ROLE decides which
// halves this process builds; only the systems whose settings are present are built at all.

import type { Client } from '@temporalio/client';
import { createGitHubApi, type GitHubApi, type GitHubApiOptions } from '../activities/github/client.js';
import { createGitHubOutbound } from '../activities/github/integration.js';
import type { Outbound, OutboundContext } from '../activities/outbound.js';
import { createPagerDutyOutbound } from '../activities/pagerduty/integration.js';
import { createSlackOutbound } from '../activities/slack/integration.js';
import { createStatusPageMirrorOutbound } from '../activities/statuspage/integration.js';
import { createWebhooksOutbound } from '../activities/webhooks/integration.js';
import { createAlertsInbound } from '../bots/alerts/integration.js';
import { createGitHubInbound } from '../bots/github/integration.js';
import type { Inbound, InboundContext } from '../bots/inbound.js';
import { createSlackInbound } from '../bots/slack/integration.js';
import type { GitHubConfig } from '../platform/config/index.js';
import type { Redactor } from '../domain/redact.js';

export interface IntegrationContext extends InboundContext {
  redactor: Redactor;
  /** The activities' own Temporal client; the front-ends' `client` when not given. */
  workflowClient?: Client;
}

export interface IntegrationSides {
  /** The worker role: notifiers, publishers and the systems' own activities. */
  outbound: boolean;
  /** The http role: routes and sockets. */
  inbound: boolean;
  /** Tests against the GitHub stand-in turn write pacing off. */
  github?: Partial<GitHubApiOptions>;
}

export function buildIntegrations(ctx: IntegrationContext, sides: IntegrationSides): { outbound: Outbound[]; inbound: Inbound[] } {
  const outbound: Outbound[] = [];
  const inbound: Inbound[] = [];
  const slackOut = sides.outbound ? createSlackOutbound(outboundContext(ctx)) : undefined;
  const slackIn = sides.inbound ? createSlackInbound(ctx) : undefined;
  if (slackOut) outbound.push(slackOut);
  if (slackIn) inbound.push(slackIn);
  const github = ctx.config.github;
  if (github) {
    const api = githubApi(ctx, github, sides.github);
    if (sides.outbound) outbound.push(createGitHubOutbound(outboundContext(ctx), github, api));
    if (sides.inbound) inbound.push(createGitHubInbound(ctx, github, api));
  }
  // PagerDuty only goes out: pages, acknowledgements and resolutions, when the policy pages at all.
  const pagerDuty = sides.outbound ? createPagerDutyOutbound(outboundContext(ctx)) : undefined;
  if (pagerDuty) outbound.push(pagerDuty);
  // The external status page only receives copies of public updates, when the policy mirrors them.
  const mirror = sides.outbound ? createStatusPageMirrorOutbound(outboundContext(ctx)) : undefined;
  if (mirror) outbound.push(mirror);
  // Webhook subscribers receive incident events when the policy names any.
  const webhooks = sides.outbound ? createWebhooksOutbound(outboundContext(ctx)) : undefined;
  if (webhooks) outbound.push(webhooks);
  // Alerts only come in; what they lead to is written by the incident's own activities.
  const alerts = sides.inbound ? createAlertsInbound(ctx) : undefined;
  if (alerts) inbound.push(alerts);
  return { outbound, inbound };
}

/** Both halves of one system, as the `all` role builds them; tests and benchmarks wire their own server around it. */
export type Integration = Outbound & Inbound;

export async function slackIntegration(ctx: IntegrationContext): Promise<Integration | undefined> {
  const outbound = createSlackOutbound(outboundContext(ctx));
  const inbound = createSlackInbound(ctx);
  return outbound && inbound ? { ...outbound, ...inbound } : undefined;
}

export function buildGitHubIntegration(ctx: IntegrationContext, config: GitHubConfig, options: Partial<GitHubApiOptions> = {}): Integration {
  const api = githubApi(ctx, config, options);
  return { ...createGitHubOutbound(outboundContext(ctx), config, api), ...createGitHubInbound(ctx, config, api) };
}

function outboundContext(ctx: IntegrationContext): OutboundContext {
  return { ...ctx, workflowClient: ctx.workflowClient ?? ctx.client };
}

/** One client per process for both halves: GitHub counts a credential's writes, so they share one pacing budget. */
function githubApi(ctx: IntegrationContext, config: GitHubConfig, options: Partial<GitHubApiOptions> = {}): GitHubApi {
  return createGitHubApi(config, { logger: ctx.logger.child({ integration: 'github' }), ...options });
}
