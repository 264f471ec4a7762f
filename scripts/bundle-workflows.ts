// `npm run bundle:workflows [-- OUT]`: writes the prebuilt workflow bundles (default
// dist/workflows.js and dist/workflows.tracing.js). Point FIREBREAK_WORKFLOW_BUNDLE at the first.

import { resolve } from 'node:path';
import { writeWorkflowBundles } from '../worker/workflow-bundle.js';

const out = resolve(process.argv[2] ?? 'dist/workflows.js');
const written = await writeWorkflowBundles(out);
console.log(`workflow bundles written: ${written.plain}, ${written.tracing}`);
