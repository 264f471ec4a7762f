export { ACTIONS, ACTION_TEXT, DEFAULT_GUEST_ACTIONS, GUEST_GRANTABLE, isPrivileged, type Action, type GuestAction } from '../policy/actions.js';
export { actorKey, resolveActor, type ResolvedActor } from './actors.js';
export { decide, type Facts, type Verdict } from './decide.js';
