// The machinery every long-lived workflow shares: its serial queue, its policy, how it refuses and
// how it asks the policy decision point. Deterministic code only, like every file under workflows/.
export { handleSerially, SerialQueue } from './serial-queue.js';
export { PolicyHolder } from './policy.js';
export { findRecentUpdate, rememberUpdate, type RecentUpdate } from './recent-updates.js';
export { refuse } from './refusal.js';
export { auditOnly, check, DECISION_POINT_PATCH, enforce, verdictOf, type Decision } from './authorization.js';
