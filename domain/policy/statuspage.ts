// The `statusPage:` section: the page's title and its public components, each standing for one or
// more services of the policy. Customers see component names, never service names. An optional
// `mirror` copies every public update to an external status page (Atlassian Statuspage); its API
// key is a secret, so the policy only names the environment variable that holds it.

import { z } from 'zod';
import { matching, name } from './values.js';

const text = matching(/\S/, 'some text');

const component = z.strictObject({
  name,
  services: z.array(name).min(1),
  description: text.optional(),
});

const envVariable = matching(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name like "STATUSPAGE_API_KEY"');
// Atlassian's page and component IDs are short lowercase alphanumerics; anything else would land in a URL path.
const atlassianId = matching(/^[a-z0-9]{4,40}$/, 'an Atlassian Statuspage ID of lowercase letters and digits');

const mirror = z.strictObject({
  provider: z.literal('atlassian'),
  pageId: atlassianId,
  apiKeyEnv: envVariable,
  /** Our component name → their component ID; components left out are not named on their page. */
  components: z.record(z.string(), atlassianId).default({}),
});

export const statusPageSection = z
  .strictObject({ title: text, components: z.array(component).min(1), mirror: mirror.optional() })
  .superRefine((page, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of page.components.entries()) {
      const key = c.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['components', i, 'name'], message: `component "${c.name}" is defined twice; give each a different name` });
      seen.add(key);
    }
    for (const ours of Object.keys(page.mirror?.components ?? {})) {
      if (!seen.has(ours.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['mirror', 'components', ours], message: `component "${ours}" is not one of the status page's components (${page.components.map((c) => c.name).join(', ')})` });
      }
    }
  });

export type StatusPagePolicy = z.output<typeof statusPageSection>;
export type StatusPageComponent = StatusPagePolicy['components'][number];
export type StatusPageMirrorPolicy = NonNullable<StatusPagePolicy['mirror']>;

/** Components must stand for services the policy defines; the path and message of the first that does not. */
export function statusPageServiceProblem(page: StatusPagePolicy | undefined, services: readonly string[]): { path: PropertyKey[]; message: string } | undefined {
  for (const [i, c] of (page?.components ?? []).entries()) {
    for (const [j, service] of c.services.entries()) {
      if (!services.includes(service)) {
        return { path: ['statusPage', 'components', i, 'services', j], message: `service "${service}" is not defined under services (defined: ${services.join(', ') || 'none'})` };
      }
    }
  }
  return undefined;
}

/** The external page's ID for one of our components, in any letter case; undefined when not mapped. */
export function mirroredComponentId(mirror: StatusPageMirrorPolicy, component: string): string | undefined {
  const found = Object.keys(mirror.components).find((ours) => ours.toLowerCase() === component.toLowerCase());
  return found === undefined ? undefined : mirror.components[found];
}
