import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { DECLARE_CALLBACK_ID } from '../../render/declare-modal.js';
import { declareSubmission } from './declare-submission.js';

export function registerViews(app: App, deps: SlackDeps): void {
  app.view(DECLARE_CALLBACK_ID, declareSubmission(deps));
}
