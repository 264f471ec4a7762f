// The shape of the house (DESIGN.md §2), read from the imports of every source file: arrows point
// down, no folder imports a folder that imports it back, and no source file grows past 300
// lines. ESLint stops most upward imports one file at a time (eslint.config.js); this test sees the
// whole graph, which a per-file rule cannot: loops through several folders, and file sizes.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE_FOLDERS = ['domain', 'platform', 'db', 'workflows', 'activities', 'bots', 'web', 'worker', 'scripts'];
const MAX_LINES = 300;

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(folder: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(join(ROOT, folder))) {
    const path = join(folder, name);
    if (statSync(join(ROOT, path)).isDirectory()) {
      if (path !== join('db', 'migrations')) found.push(...sourceFiles(path));
    } else if (/\.(ts|cjs)$/.test(name) && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** Repo-relative target of every relative import or re-export in `file`, and whether it is types only. */
function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    edges.push({ from: file, to: relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.js$/, '.ts'), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

const files = SOURCE_FOLDERS.flatMap(sourceFiles);
const edges = files.flatMap(importsOf);
const top = (path: string) => path.split('/')[0]!;

/**
 * What each floor may import (DESIGN.md §2): `worker → bots, web, activities → db → platform →
 * domain`, workflows over domain. Workflow *messages* (signal, update and query definitions and
 * the payloads they carry) are the contract every caller of a workflow uses, so front-ends and
 * activities may import `workflows/<name>/messages.ts`; workflows import activity *types* only.
 */
const MAY_IMPORT: Record<string, { always: string[]; types?: string[]; messages?: boolean }> = {
  domain: { always: [] },
  platform: { always: ['domain'] },
  db: { always: ['platform', 'domain'] },
  workflows: { always: ['domain'], types: ['activities'] },
  activities: { always: ['db', 'platform', 'domain'], messages: true },
  bots: { always: ['db', 'platform', 'domain'], types: ['workflows'], messages: true },
  web: { always: ['db', 'platform', 'domain'], messages: true },
  worker: { always: ['bots', 'web', 'activities', 'workflows', 'db', 'platform', 'domain'] },
  // Entry points: a script may use anything, the test stand-ins included (record-histories).
  scripts: { always: ['worker', 'bots', 'web', 'activities', 'workflows', 'db', 'platform', 'domain', 'test'] },
};

const isMessages = (path: string) => /^workflows\/([^/]+\/)*messages(\/[^/]+)?\.ts$/.test(path) || /^workflows\/[^/]+\/messages\//.test(path);

describe('the house', () => {
  it('reads every source file', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(files.length);
  });

  it('has no import that runs up a floor', () => {
    const upward = edges.filter(({ from, to, typeOnly }) => {
      const [a, b] = [top(from), top(to)];
      if (a === b) return false;
      const rule = MAY_IMPORT[a];
      if (!rule) return true;
      if (rule.always.includes(b)) return false;
      if (typeOnly && rule.types?.includes(b)) return false;
      if (rule.messages && b === 'workflows' && isMessages(to)) return false;
      return true;
    });
    expect(upward.map((e) => `${e.from} → ${e.to}${e.typeOnly ? ' (types)' : ''}`)).toEqual([]);
  });

  it('has no loop between folders (code that runs; type-only imports are erased)', () => {
    const graph = new Map<string, Set<string>>();
    for (const { from, to, typeOnly } of edges) {
      if (typeOnly || dirname(from) === dirname(to)) continue;
      const targets = graph.get(dirname(from)) ?? new Set<string>();
      targets.add(dirname(to));
      graph.set(dirname(from), targets);
    }
    expect(cycles(graph)).toEqual([]);
  });

  it(`keeps every source file at or under ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines}`);
    expect(long).toEqual([]);
  });
});

/** The strongly connected components with more than one folder (Tarjan), each listed sorted. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const strongConnect = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        strongConnect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) strongConnect(node);
  return found;
}
