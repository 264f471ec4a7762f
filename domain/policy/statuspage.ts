// The `statusPage:` section: the page's title and its public components, each standing for one or
// more services of the policy. Customers see component names, never service names.

import { z } from 'zod';
import { matching, name } from './values.js';

const text = matching(/\S/, 'some text');

const component = z.strictObject({
  name,
  services: z.array(name).min(1),
  description: text.optional(),
});

export const statusPageSection = z
  .strictObject({ title: text, components: z.array(component).min(1) })
  .superRefine((page, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of page.components.entries()) {
      const key = c.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['components', i, 'name'], message: `component "${c.name}" is defined twice; give each a different name` });
      seen.add(key);
    }
  });

export type StatusPagePolicy = z.output<typeof statusPageSection>;
export type StatusPageComponent = StatusPagePolicy['components'][number];

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

/** The component a command named, in any letter case. */
export function findComponent(page: StatusPagePolicy | undefined, wanted: string): StatusPageComponent | undefined {
  return page?.components.find((c) => c.name.toLowerCase() === wanted.toLowerCase());
}
