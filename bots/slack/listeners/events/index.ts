import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { appHomeOpened } from './app-home-opened.js';
import { reactionAdded } from './reaction-added.js';
import { reactionRemoved } from './reaction-removed.js';
import { taskReaction } from './task-reaction.js';

export function registerEvents(app: App, deps: SlackDeps): void {
  app.event('reaction_added', reactionAdded(deps));
  app.event('reaction_added', taskReaction(deps));
  app.event('reaction_removed', reactionRemoved(deps));
  app.event('app_home_opened', appHomeOpened(deps));
}
