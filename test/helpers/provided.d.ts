// Values the system project's global setup hands to every test file through inject().
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    databaseUrl: string;
    /** Pre-built workflow bundle, when a setup provides one; test/helpers/system.ts reads it. */
    workflowBundlePath?: string;
  }
}
