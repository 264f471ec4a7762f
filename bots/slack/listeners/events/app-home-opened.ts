// Opening Firebreak's App Home shows the person their open incidents (bots/slack/render/home.ts).
// Publishing the view is the answer to their opening the tab, like views.open answers a command.

import type { WebClient } from '@slack/web-api';
import { openIncidentsOfSlackUser } from '../../../../db/queries/app-home.js';
import { homeView } from '../../render/home.js';
import type { SlackDeps } from '../deps.js';

export interface AppHomeArgs {
  event: { user: string; tab?: string };
  client: Pick<WebClient, 'views'>;
}

export function appHomeOpened(deps: SlackDeps) {
  return async ({ event, client }: AppHomeArgs): Promise<void> => {
    // The Messages tab opens the same event; only the Home tab has a view to publish.
    if (event.tab !== undefined && event.tab !== 'home') return;
    try {
      const mine = await openIncidentsOfSlackUser(deps.db, event.user);
      await client.views.publish({ user_id: event.user, view: homeView(mine, deps.policy) as Parameters<WebClient['views']['publish']>[0]['view'] });
    } catch (err) {
      deps.logger.warn({ err }, 'App Home not published');
    }
  };
}
