// The Refresh button on the App Home: republish the person's view now.

import type { SlackDeps } from '../deps.js';
import { publishHome } from '../home-publish.js';
import type { ButtonArgs } from './run-update.js';

export function homeRefresh(deps: SlackDeps) {
  return async ({ ack, body, client }: Pick<ButtonArgs, 'ack' | 'body' | 'client'>): Promise<void> => {
    await ack();
    await publishHome(deps, client, body.user.id);
  };
}
