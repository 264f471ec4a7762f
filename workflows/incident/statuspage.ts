// `statuspage open|update|resolve`: public updates go through the incident so the decision point
// decides them (permissions.publicUpdate), the timeline says what customers were told, and each
// update is written to the public tables once, keyed by incident and this workflow's sequence.

import { findComponent } from '../../domain/policy/statuspage-rules.js';
import { COMPONENT_STATE_TEXT, isComponentState, MAX_PUBLIC_TEXT, PUBLIC_UPDATE_VERBS, type ComponentChange } from '../../domain/statuspage.js';
import { persistence } from './activities.js';
import * as msg from './messages.js';
import type { IncidentRuntime } from './state.js';
import { createStatusPageMirror } from './statuspage-mirror.js';
import { askOnResolve, registerKeepPublicIncident } from './statuspage-question.js';

function requireShape(rt: IncidentRuntime, i: msg.PublicUpdateInput): void {
  rt.requireEditable();
  if (rt.state.private === true) rt.refuse('InvalidInput', `${rt.name} is private, so nothing about it goes on the public status page; the commander can make it public first with \`public\`.`);
  if (!(PUBLIC_UPDATE_VERBS as readonly string[]).includes(i.verb)) rt.refuse('InvalidInput', 'A public update is open, update or resolve.');
  if (!i.text?.trim()) rt.refuse('InvalidInput', 'A public update needs the text customers will read.');
  if (i.text.length > MAX_PUBLIC_TEXT) rt.refuse('InvalidInput', `A public update may be at most ${MAX_PUBLIC_TEXT} characters.`);
  if (!Array.isArray(i.components) || i.components.some((c) => typeof c?.component !== 'string' || !isComponentState(c.state))) {
    rt.refuse('InvalidInput', 'Each component of a public update needs a name and a state.');
  }
  const page = rt.state.publicPage;
  const open = page?.status === 'open';
  if (i.verb === 'open' && open) rt.refuse('InvalidInput', `${rt.name} already has an open public incident; use \`statuspage update\`.`);
  if (i.verb !== 'open' && !open) rt.refuse('InvalidInput', `${rt.name} has no open public incident; start one with \`statuspage open\`.`);
  if (i.verb === 'open' && i.components.length === 0) rt.refuse('InvalidInput', 'A public incident needs at least one component and its state.');
}

/** The components as the policy spells them; a name it does not know is refused with the list. */
function canonicalComponents(rt: IncidentRuntime, i: msg.PublicUpdateInput): ComponentChange[] {
  const page = rt.policy().statusPage;
  if (!page) rt.refuse('InvalidInput', 'The status page is off: add a statusPage section to the policy file.');
  return i.components.map((c) => {
    const found = findComponent(page, c.component);
    if (!found) rt.refuse('InvalidInput', `There is no status page component "${c.component}"; use one of ${page.components.map((x) => x.name).join(', ')}.`);
    return { component: found.name, state: c.state };
  });
}

function timelineText(verb: msg.PublicUpdateInput['verb'], components: ComponentChange[], text: string): string {
  const states = components.map((c) => `${c.component}: ${COMPONENT_STATE_TEXT[c.state]}`).join(', ');
  const what = verb === 'open' ? 'Public incident opened' : verb === 'resolve' ? 'Public incident resolved' : 'Public update';
  return `${what}${states ? ` (${states})` : ''}: ${text}`;
}

export function registerStatusPageHandlers(rt: IncidentRuntime): void {
  const mirror = createStatusPageMirror(rt);
  rt.handle<msg.PublicUpdateInput, msg.PublicUpdateResult>(
    msg.publishStatusPageUpdate,
    (i) => {
      requireShape(rt, i);
      if (rt.policyLoaded) canonicalComponents(rt, i);
    },
    async (i) => {
      const components = canonicalComponents(rt, i);
      const previous = rt.state.publicPage;
      const sequence = (previous?.sequence ?? 0) + 1;
      const text = i.text.trim();
      // Customers see component names only: the internal title may name customers or systems.
      const names = [...new Set([...components.map((c) => c.component), ...Object.keys(previous?.components ?? {})])];
      const published = await persistence.publishPublicUpdate({
        incident: rt.name,
        sequence,
        verb: i.verb,
        title: `Incident affecting ${names.join(', ')}`,
        components,
        text,
        at: new Date().toISOString(),
      });
      const states = i.verb === 'open' ? {} : { ...(previous?.components ?? {}) };
      for (const c of components) states[c.component] = c.state;
      if (i.verb === 'resolve') for (const name of Object.keys(states)) states[name] = 'operational';
      // An update posted after the resolve question does not ask it again.
      const asked = i.verb === 'update' && previous?.askedOnResolve ? { askedOnResolve: previous.askedOnResolve } : {};
      rt.state.publicPage = { status: i.verb === 'resolve' ? 'resolved' : 'open', sequence, components: states, ...asked };
      await rt.record('note', i.actor, timelineText(i.verb, components, published.text), {
        details: { statusPage: { sequence, verb: i.verb, components } },
        auditAction: `statuspage.${i.verb}`,
      });
      mirror(sequence);
      return { incident: rt.name, sequence, verb: i.verb, components, text: published.text, publishedAt: published.publishedAt };
    },
    () => rt.decision('publicUpdate'),
  );
  registerKeepPublicIncident(rt);
  void askOnResolve(rt);
}
