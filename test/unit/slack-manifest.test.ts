import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../domain/slack/action-ids.js';

const manifest = parse(readFileSync(new URL('../../bots/slack/manifest.yaml', import.meta.url), 'utf8')) as {
  features: { slash_commands: Array<{ command: string; url: string; should_escape: boolean }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
};

describe('the Slack app manifest', () => {
  it('sends commands, interactivity and events to the one route', () => {
    const urls = [manifest.features.slash_commands[0]!.url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url];
    for (const url of urls) expect(new URL(url).pathname).toBe('/slack/events');
    expect(manifest.features.slash_commands[0]).toMatchObject({ command: '/incident', should_escape: true });
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['reaction_added', 'reaction_removed']);
    // Interactivity has one request URL, so every button's action ID must be distinct.
    expect(new Set(Object.values(ACTION_IDS)).size).toBe(Object.values(ACTION_IDS).length);
    expect(Object.values(ACTION_IDS)).toEqual(expect.arrayContaining(['incident_ack', 'incident_sev', 'incident_mitigated', 'incident_resolve', 'flag_keep', 'flag_restore']));
  });

  it('asks for every scope the notifier and listeners use', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'chat:write.public', 'channels:manage', 'channels:join', 'channels:history', 'pins:write', 'reactions:read', 'users:read', 'im:write']),
    );
  });
});
