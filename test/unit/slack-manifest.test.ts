import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../domain/slack/action-ids.js';

const manifest = parse(readFileSync(new URL('../../bots/slack/manifest.yaml', import.meta.url), 'utf8')) as {
  features: {
    slash_commands: Array<{ command: string; url: string; should_escape: boolean }>;
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
  };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[]; user: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
};

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// The bot scopes each Web API method needs (docs.slack.dev/reference/methods). Posting to the
// announcement channel without joining it is chat:write.public; the conversation methods need the
// private-channel scope too because private incidents get private channels.
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.postEphemeral': ['chat:write'],
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.update': ['chat:write'],
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.join': ['channels:join'],
  'conversations.open': ['im:write'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'conversations.setTopic': ['channels:manage', 'groups:write'],
  'pins.add': ['pins:write'],
  'users.info': ['users:read'],
  'views.open': [],
  'views.publish': [],
  'views.update': [],
};
const EVENT_SCOPES: Record<string, string[]> = { reaction_added: ['reactions:read'], reaction_removed: ['reactions:read'], app_home_opened: [] };
const SLACK_FAMILIES = 'admin|apps|auth|bookmarks|calls|chat|conversations|dnd|emoji|files|im|mpim|pins|reactions|reminders|search|stars|team|usergroups|users|views';

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return typescriptFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every Slack Web API method the runtime code calls: `api.call('chat.update', …)` or `client.chat.update(…)`. */
function methodsTheCodeCalls(): string[] {
  const methods = new Set<string>();
  const byName = new RegExp(String.raw`\bcall(?:<[^>]*>)?\(\s*'((?:${SLACK_FAMILIES})\.[\w.]+)'`, 'g');
  const byClient = new RegExp(String.raw`\bclient\.((?:${SLACK_FAMILIES})\.\w+)\(`, 'g');
  for (const folder of ['activities', 'bots', 'worker']) {
    for (const file of typescriptFiles(join(ROOT, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(byName)) methods.add(m[1]!);
      for (const m of text.matchAll(byClient)) methods.add(m[1]!);
    }
  }
  return [...methods].sort();
}

describe('the Slack app manifest', () => {
  it('sends commands, interactivity and events to the one route', () => {
    const urls = [manifest.features.slash_commands[0]!.url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url];
    for (const url of urls) expect(new URL(url).pathname).toBe('/slack/events');
    expect(manifest.features.slash_commands[0]).toMatchObject({ command: '/incident', should_escape: true });
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['reaction_added', 'reaction_removed', 'app_home_opened']);
    // Interactivity has one request URL, so every button's action ID must be distinct.
    expect(new Set(Object.values(ACTION_IDS)).size).toBe(Object.values(ACTION_IDS).length);
    expect(Object.values(ACTION_IDS)).toEqual(expect.arrayContaining(['incident_ack', 'incident_sev', 'incident_mitigated', 'incident_resolve', 'flag_keep', 'flag_restore']));
  });

  it('knows the scopes of every Slack method the code calls', () => {
    const called = methodsTheCodeCalls();
    expect(called).toEqual(expect.arrayContaining(['chat.postMessage', 'conversations.create', 'pins.add', 'users.info', 'views.publish']));
    // A method missing here is new: add its scopes to METHOD_SCOPES and to the manifest.
    expect(called.filter((method) => !(method in METHOD_SCOPES))).toEqual([]);
  });

  it('asks for exactly the bot scopes the code uses, and no others', () => {
    const needed = new Set(['commands', ...methodsTheCodeCalls().flatMap((m) => METHOD_SCOPES[m] ?? []), ...manifest.settings.event_subscriptions.bot_events.flatMap((e) => EVENT_SCOPES[e] ?? ['unknown event']) ]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
    // Nothing reads channel lists or e-mail addresses.
    expect(manifest.oauth_config.scopes.bot).not.toContain('channels:read');
    expect(manifest.oauth_config.scopes.bot).not.toContain('users:read.email');
  });

  it('has an App Home whose Home tab the app publishes, and a redirect URL for Sign in with Slack', () => {
    expect(manifest.features.app_home).toEqual({ home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: true });
    expect(manifest.oauth_config.redirect_urls.map((url) => new URL(url).pathname)).toEqual(['/auth/slack/callback']);
    const oidc = readFileSync(join(ROOT, 'web/slack-oidc.ts'), 'utf8');
    expect(oidc).toContain("OIDC_COOKIE_PATH = '/auth/slack'");
    expect(oidc).toContain("scope: 'openid profile'");
    expect(manifest.oauth_config.scopes.user).toEqual(['openid', 'profile']);
  });
});
