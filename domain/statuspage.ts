// The public status page's vocabulary: the states a component can be in, how bad each is, and what
// one public update carries. Shared by the command grammar, the incident workflow, the activity that
// stores public text and the pages that show it, so every side names a state the same way.

export const COMPONENT_STATES = ['operational', 'degraded', 'partial', 'major', 'maintenance'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

/** What the page prints for each state; the short words are what people type. */
export const COMPONENT_STATE_TEXT: Readonly<Record<ComponentState, string>> = {
  operational: 'Operational',
  degraded: 'Degraded performance',
  partial: 'Partial outage',
  major: 'Major outage',
  maintenance: 'Under maintenance',
};

// Maintenance is planned and announced, so any outage outranks it when two incidents disagree.
const SEVERITY_RANK: Readonly<Record<ComponentState, number>> = { operational: 0, maintenance: 1, degraded: 2, partial: 3, major: 4 };

export function isComponentState(word: string): word is ComponentState {
  return (COMPONENT_STATES as readonly string[]).includes(word);
}

/** The worst of several states; operational when there are none. */
export function worstState(states: Iterable<ComponentState>): ComponentState {
  let worst: ComponentState = 'operational';
  for (const s of states) if (SEVERITY_RANK[s] > SEVERITY_RANK[worst]) worst = s;
  return worst;
}

export const PUBLIC_UPDATE_VERBS = ['open', 'update', 'resolve'] as const;
export type PublicUpdateVerb = (typeof PUBLIC_UPDATE_VERBS)[number];

export interface ComponentChange {
  component: string;
  state: ComponentState;
}

/** One public update as a person asked for it, before redaction. */
export interface PublicUpdateRequest {
  verb: PublicUpdateVerb;
  components: ComponentChange[];
  text: string;
}

/** Public text is read by customers: long pastes belong on the internal timeline. */
export const MAX_PUBLIC_TEXT = 2000;

/**
 * One public update as the incident workflow hands it to be stored (an activity input, so in the
 * incident's history): keyed by incident and sequence, so a retry writes nothing twice.
 */
export interface PublicUpdate {
  incident: string;
  sequence: number;
  verb: PublicUpdateVerb;
  title: string;
  components: ComponentChange[];
  text: string;
  at: string;
}

export interface PublishedPublicUpdate {
  /** False when a retry found the update already written. */
  applied: boolean;
  /** As stored: redacted. */
  text: string;
  publishedAt: string;
}
