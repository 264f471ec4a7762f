import type { IntegrationFactory } from '../../worker/integrations.js';

/** The GitHub front-end and notifier; built only when its settings are present. */
export const githubIntegration: IntegrationFactory = async () => undefined;
