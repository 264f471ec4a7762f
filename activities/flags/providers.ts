import type { Config } from '../../platform/config/index.js';
import { createLaunchDarklyProvider } from './launchdarkly.js';
import type { FlagProviders } from './provider.js';
import { createUnleashProvider } from './unleash.js';

/** The flag systems whose settings are present in the environment. */
export function flagProvidersFrom(config: Pick<Config, 'unleash' | 'launchDarkly' | 'publicUrl'>): FlagProviders {
  return {
    ...(config.unleash ? { unleash: createUnleashProvider({ ...config.unleash, publicUrl: config.publicUrl }) } : {}),
    ...(config.launchDarkly ? { launchdarkly: createLaunchDarklyProvider(config.launchDarkly) } : {}),
  };
}
