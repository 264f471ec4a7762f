// Publishing one person's App Home from a listener: opening the tab, its Refresh button, and the
// answer to an Approve/Deny clicked on the Home (a Home click has no response_url to answer on).
// The view is the same pure builder the refresh activity uses (domain/slack/home-view.ts).

import type { WebClient } from '@slack/web-api';
import { loadHome, rememberHomeSubjects, subjectsOf } from '../../../db/queries/app-home.js';
import { findPersonByActor } from '../../../domain/policy/index.js';
import { guestHomeView, homeView, type HomeView } from '../../../domain/slack/home-view.js';
import { replyRedactor } from '../../render/redaction.js';
import type { SlackDeps } from './deps.js';

type ViewsClient = Pick<WebClient, 'views'>;

/** Builds and publishes `user`'s Home; failures are logged, never thrown at the person's click. */
export async function publishHome(deps: SlackDeps, client: ViewsClient, user: string, answer?: string): Promise<void> {
  try {
    const notice = answer === undefined ? undefined : replyRedactor(deps.policy).redact(answer);
    const person = findPersonByActor(deps.policy, { source: 'slack', id: user });
    let view: HomeView = guestHomeView(notice);
    let shown: string[] = [];
    if (person) {
      const data = await loadHome(deps.db, deps.policy, person);
      view = homeView(data, {
        redact: (text, incident) => replyRedactor(deps.policy, incident).redact(text),
        ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
        ...(notice ? { notice } : {}),
      });
      shown = subjectsOf(data);
    }
    await client.views.publish({ user_id: user, view: view as unknown as Parameters<WebClient['views']['publish']>[0]['view'] });
    await rememberHomeSubjects(deps.db, user, shown);
  } catch (err) {
    deps.logger.warn({ err, user }, 'App Home not published');
  }
}

/**
 * How to answer a button clicked on the Home tab: republish the Home with the answer on top.
 * Undefined for a click on a message, which answers on its response_url as before.
 */
export function homeAnswer(deps: SlackDeps, args: { body: { user: { id: string }; view?: { type?: string } }; client: ViewsClient }): ((text: string) => Promise<void>) | undefined {
  if (args.body.view?.type !== 'home') return undefined;
  return (text) => publishHome(deps, args.client, args.body.user.id, text);
}
