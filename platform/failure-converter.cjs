// Failure messages and stack traces of workflows and activities move into the failure's encoded
// attributes, a payload like any other, so the codec (platform/codec.ts) encrypts them too: a refusal
// that quotes an incident's title must not sit in the server's history as plaintext.
//
// CommonJS on purpose: the SDK loads this file with require() in every process (worker, HTTP
// server, CLI, tests) and bundles it into the workflow code, so it must not need a TypeScript loader.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
