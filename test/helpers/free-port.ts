// Tests and the worker's embedded dev stack share one implementation.
export { freePort } from '../../worker/free-port.js';
