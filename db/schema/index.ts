export * from './incidents.js';
export * from './timeline.js';
export * from './audit.js';
export * from './processed-requests.js';
export * from './links.js';
export * from './grants.js';
export * from './flags.js';
export * from './sandboxes.js';
