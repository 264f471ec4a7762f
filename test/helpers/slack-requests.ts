// Requests exactly as Slack sends them: form-encoded slash commands, `payload=` interactivity,
// JSON events, each signed with the v0 scheme. Shared by the tests and the ack benchmark.

import { randomUUID } from 'node:crypto';
import { signSlackRequest } from '../../bots/slack/verify.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface SignedBody {
  body: string;
  contentType: string;
}

export interface SignOptions {
  secret?: string;
  /** Seconds since the epoch the request claims to be from. */
  timestamp?: number;
  signature?: string;
  omit?: Array<'timestamp' | 'signature'>;
  headers?: Record<string, string>;
}

export function signedHeaders(request: SignedBody, options: SignOptions = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': request.contentType, ...options.headers };
  if (!options.omit?.includes('timestamp')) headers['x-slack-request-timestamp'] = timestamp;
  if (!options.omit?.includes('signature')) headers['x-slack-signature'] = options.signature ?? signSlackRequest(options.secret ?? SIGNING_SECRET, timestamp, request.body);
  return headers;
}

export async function postSigned(url: string, request: SignedBody, options: SignOptions = {}): Promise<Response> {
  return fetch(`${url}/slack/events`, { method: 'POST', headers: signedHeaders(request, options), body: request.body });
}

export interface SlashCommandFields {
  text: string;
  user?: string;
  userName?: string;
  channel?: string;
  triggerId?: string;
  responseUrl?: string;
}

export function slashCommand(fields: SlashCommandFields): SignedBody {
  const form = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0TEST',
    team_domain: 'standin',
    channel_id: fields.channel ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: fields.user ?? 'U0ALICE',
    user_name: fields.userName ?? 'alice',
    command: '/incident',
    text: fields.text,
    api_app_id: 'A0FIREBREAK',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl ?? 'https://hooks.slack.invalid/commands/none',
    trigger_id: fields.triggerId ?? `${Date.now()}.${randomUUID()}`,
  });
  return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
}

export function interactivity(payload: Record<string, unknown>): SignedBody {
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
}

const user = (id: string, name: string) => ({ id, username: name, name, team_id: 'T0TEST' });

export function blockAction(fields: { actionId: string; value?: string; selected?: string; user?: string; userName?: string; channel?: string; responseUrl: string }): SignedBody {
  const action = fields.selected
    ? { type: 'static_select', action_id: fields.actionId, block_id: 'b', selected_option: { value: fields.selected, text: { type: 'plain_text', text: fields.selected } }, action_ts: '1' }
    : { type: 'button', action_id: fields.actionId, block_id: 'b', value: fields.value, action_ts: '1', text: { type: 'plain_text', text: 'x' } };
  return interactivity({
    type: 'block_actions',
    team: { id: 'T0TEST', domain: 'standin' },
    user: user(fields.user ?? 'U0ALICE', fields.userName ?? 'alice'),
    api_app_id: 'A0FIREBREAK',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.${randomUUID()}`,
    container: { type: 'message', message_ts: '1.000001', channel_id: fields.channel ?? 'C0GENERAL', is_ephemeral: false },
    channel: { id: fields.channel ?? 'C0GENERAL', name: 'incident' },
    response_url: fields.responseUrl,
    actions: [action],
  });
}

export function viewSubmission(fields: { viewId: string; values: Record<string, Record<string, unknown>>; privateMetadata?: string; user?: string }): SignedBody {
  return interactivity({
    type: 'view_submission',
    team: { id: 'T0TEST', domain: 'standin' },
    user: user(fields.user ?? 'U0ALICE', 'alice'),
    api_app_id: 'A0FIREBREAK',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.${randomUUID()}`,
    view: {
      id: fields.viewId,
      team_id: 'T0TEST',
      type: 'modal',
      callback_id: 'incident_declare',
      private_metadata: fields.privateMetadata ?? '',
      hash: 'h1',
      state: { values: fields.values },
      blocks: [],
      title: { type: 'plain_text', text: 'Declare an incident' },
    },
  });
}

export function eventCallback(event: Record<string, unknown>, eventId = `Ev${randomUUID().replace(/-/g, '').slice(0, 10)}`): SignedBody {
  const body = {
    token: 'deprecated-verification-token',
    team_id: 'T0TEST',
    api_app_id: 'A0FIREBREAK',
    event: { ...event, event_ts: String(Date.now() / 1000) },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0TEST', user_id: 'U0FIREBREAK', is_bot: true }],
  };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}
