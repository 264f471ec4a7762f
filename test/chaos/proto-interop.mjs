// Loaded with `node --import` before tsx in the chaos worker processes. platform/codec.ts imports
// `{ temporal }` from '@temporalio/proto', a CommonJS package whose exports Node's ESM loader cannot
// detect, so under plain tsx that import fails (vitest's transform hides it). This hook hands ESM
// importers a small module that re-exports the package through require().
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      if (specifier !== '@temporalio/proto' || !context.parentURL?.startsWith('file:')) return next(specifier, context);
      const source = 'import { createRequire } from "node:module";'
        + 'const m = createRequire(' + JSON.stringify(context.parentURL) + ')("@temporalio/proto");'
        + 'export const temporal = m.temporal; export const google = m.google; export default m;';
      return { url: 'data:text/javascript,' + encodeURIComponent(source), format: 'module', shortCircuit: true };
    }
  `)}`,
);
