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

/**
 * The question the incident's timeline asks when it resolves with its public incident still open;
 * the Slack notifier recognises it by this opening and attaches the two buttons.
 */
export const PUBLIC_INCIDENT_QUESTION = 'Resolve the public incident too?';
/** What the "Resolve public incident" button proposes customers read; the poster sees it before it goes out. */
export const DEFAULT_PUBLIC_RESOLVE_TEXT = 'This incident has been resolved.';

/** The mirror activity's input (in the incident's history): which stored public update to copy out. */
export interface PublicUpdateMirrorRequest {
  incident: string;
  sequence: number;
}

export interface PublicUpdateMirrorResult {
  remoteIncidentId: string;
  /** False when an earlier attempt had already got it through. */
  sent: boolean;
}

/** Atlassian Statuspage's component statuses for ours. */
export const ATLASSIAN_COMPONENT_STATUS: Readonly<Record<ComponentState, string>> = {
  operational: 'operational',
  degraded: 'degraded_performance',
  partial: 'partial_outage',
  major: 'major_outage',
  maintenance: 'under_maintenance',
};

/**
 * Atlassian's incident status for one of our updates: opening is investigating, resolving is
 * resolved, and an update is monitoring once every component it names is operational again
 * (a fix is out and being watched), identified otherwise.
 */
export function atlassianIncidentStatus(verb: PublicUpdateVerb, components: readonly ComponentChange[]): 'investigating' | 'identified' | 'monitoring' | 'resolved' {
  if (verb === 'open') return 'investigating';
  if (verb === 'resolve') return 'resolved';
  return components.length > 0 && components.every((c) => c.state === 'operational') ? 'monitoring' : 'identified';
}
