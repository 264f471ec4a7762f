// Tests and the worker's embedded dev stack share one implementation.
export { freePort } from '../../platform/free-port.js';
