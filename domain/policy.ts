// The policy file (firebreak.config.yaml): schema, parsing and lookups. Split by concern under
// domain/policy/; import from here.
export * from './policy/index.js';
