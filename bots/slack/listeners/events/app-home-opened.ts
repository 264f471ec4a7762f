// Opening Firebreak's App Home shows the person their incidents, the access requests waiting for
// them and their action items due soon. Publishing the view is the answer to their opening the tab.

import type { WebClient } from '@slack/web-api';
import type { SlackDeps } from '../deps.js';
import { publishHome } from '../home-publish.js';

export interface AppHomeArgs {
  event: { user: string; tab?: string };
  client: Pick<WebClient, 'views'>;
}

export function appHomeOpened(deps: SlackDeps) {
  return async ({ event, client }: AppHomeArgs): Promise<void> => {
    // The Messages tab opens the same event; only the Home tab has a view to publish.
    if (event.tab !== undefined && event.tab !== 'home') return;
    await publishHome(deps, client, event.user);
  };
}
