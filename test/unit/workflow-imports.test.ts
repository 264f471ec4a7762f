import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every module workflow code imports is evaluated again for each workflow a worker holds in memory
// (the SDK gives each workflow its own module cache), so what workflows import costs CPU at every
// workflow start and memory per cached workflow. The policy parser's yaml and zod were most of it
// (bench:incidents, bench/README.md): workflows read a parsed policy through domain/policy/rules.ts.

const ROOT = resolve(import.meta.dirname, '../..');
const KEPT_OUT = ['zod', 'yaml'];

/** Runtime imports (type-only ones are erased) reachable from workflows/index.ts: package → the chain that reaches it. */
function packagesReached(): Map<string, string[]> {
  const parent = new Map<string, string | undefined>([[resolve(ROOT, 'workflows/index.ts'), undefined]]);
  const queue = [...parent.keys()];
  const packages = new Map<string, string[]>();
  const chain = (file: string | undefined) => {
    const files: string[] = [];
    for (let f = file; f; f = parent.get(f)) files.push(relative(ROOT, f));
    return files;
  };
  while (queue.length) {
    const file = queue.shift()!;
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(?!type\b)([^;]*?)\s+from\s+'([^']+)'/gms)) {
      const names = m[1]!.trim();
      if (/^\{[^}]*\}$/s.test(names) && names.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '))) continue;
      const spec = m[2]!;
      if (!spec.startsWith('.')) {
        if (!packages.has(spec)) packages.set(spec, chain(file));
        continue;
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!parent.has(target)) {
        parent.set(target, file);
        queue.push(target);
      }
    }
  }
  return packages;
}

describe('workflow code imports', () => {
  it('never reaches the policy parser (yaml, zod)', () => {
    const reached = packagesReached();
    expect(reached.has('@temporalio/workflow')).toBe(true);
    for (const name of KEPT_OUT) expect(reached.get(name), `${name} reached through ${reached.get(name)?.join(' <- ')}`).toBeUndefined();
  });
});
