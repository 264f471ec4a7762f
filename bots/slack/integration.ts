import type { IntegrationFactory } from '../../worker/integrations.js';

/** The Slack front-end and notifier; built only when its settings are present. */
export const slackIntegration: IntegrationFactory = async () => undefined;
