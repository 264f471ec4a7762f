import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import ts from 'typescript';
import { ROOT } from './deploy-files.js';

// Kubernetes manifests checked against the Kubernetes API's OpenAPI definitions, twice over:
// kubernetes-models' validate() (JSON schemas generated from the OpenAPI spec: types, required
// fields, enums) and TypeScript's excess-property check against the same package's interfaces,
// generated from the same spec, which rejects a field the API does not have (a misspelt or
// misplaced key that `kubectl apply --validate=strict` would refuse and the schemas let through).

export interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** The kinds the manifests may use: the model that validates each, and its interface module. */
const KINDS: Record<string, { validate: (data: object) => void; module: string; type: string }> = {
  'apps/v1 Deployment': { validate: (data) => new Deployment(data as never).validate(), module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment' },
  'v1 Service': { validate: (data) => new Service(data as never).validate(), module: 'kubernetes-models/v1/Service', type: 'IService' },
  'v1 ConfigMap': { validate: (data) => new ConfigMap(data as never).validate(), module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  'policy/v1 PodDisruptionBudget': {
    validate: (data) => new PodDisruptionBudget(data as never).validate(),
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    type: 'IPodDisruptionBudget',
  },
};

/** Schema problems of one manifest (an unknown kind is one); empty when it validates. */
export function schemaProblems(manifest: Manifest): string[] {
  const { file, ...data } = manifest;
  const kind = KINDS[`${manifest.apiVersion} ${manifest.kind}`];
  if (!kind) return [`${file}: ${manifest.apiVersion} ${manifest.kind} is not a kind these checks know; add it to KINDS`];
  try {
    kind.validate(data);
    return [];
  } catch (error) {
    return [`${file} ${manifest.kind}/${manifest.metadata?.name}: ${(error as Error).message}`];
  }
}

/** Fields the Kubernetes API does not have, and values of the wrong type, found by the TypeScript compiler. */
export function typeProblems(manifests: Manifest[]): string[] {
  const path = `${ROOT}test/.kubernetes-manifests.check.ts`;
  const lines = manifests.flatMap(({ file, ...data }, i) => {
    const kind = KINDS[`${data.apiVersion} ${data.kind}`];
    if (!kind) return [];
    return [`// ${file} ${data.kind}/${data.metadata?.name}`, `import type { ${kind.type} as T${i} } from '${kind.module}';`, `export const m${i}: T${i} = ${JSON.stringify(data)};`];
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (name === path ? source : readFile(name));
  host.fileExists = (name) => name === path || ts.sys.fileExists(name);
  host.getSourceFile = (name, version, ...rest) => (name === path ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest));
  const program = ts.createProgram([path], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const label = where >= 0 ? (lines.slice(0, where + 1).reverse().find((l) => l.startsWith('// ')) ?? '') : '';
    return `${label.replace(/^\/\/ /, '')}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
