import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { incidentCommand } from './incident-command.js';

export function registerCommands(app: App, deps: SlackDeps): void {
  app.command('/incident', incidentCommand(deps));
}
