// Reading the policy file: YAML, then the schema, then the cross-references. Each stage stops at
// its first problem so the error stays one line; fixing it and restarting shows the next.

import { LineCounter, parseDocument } from 'yaml';
import { findReferenceProblem } from './references.js';
import { formatIssue, policyError, PolicyError, policyErrorMap } from './errors.js';
import { policySchema, type Policy } from './schema.js';

function readYaml(yamlText: string, sourceName: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  const [error] = doc.errors;
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new PolicyError(`${sourceName}: line ${line}, column ${col}: YAML syntax error: ${error.message.split('\n')[0]}`);
  }
  try {
    return doc.toJS();
  } catch (err) {
    // Aliases are resolved here, after parsing, so a dangling or runaway alias surfaces late.
    throw new PolicyError(`${sourceName}: YAML error: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Parses and validates the policy file once, at start. Throws `PolicyError` whose message is one
 * line naming the file, the key path and the problem.
 */
export function parsePolicy(yamlText: string, sourceName = 'firebreak.config.yaml'): Policy {
  const raw = readYaml(yamlText, sourceName);
  if (raw === null || raw === undefined) throw new PolicyError(`${sourceName}: the file is empty`);
  const result = policySchema.safeParse(raw, { error: policyErrorMap, reportInput: true });
  if (!result.success) {
    // A misspelt key also makes the intended key look missing; the spelling is the one to report.
    const issues = result.error.issues;
    throw formatIssue(sourceName, issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!);
  }
  const problem = findReferenceProblem(result.data);
  if (problem) throw policyError(sourceName, problem.path, problem.message);
  return result.data;
}
