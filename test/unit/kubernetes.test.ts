import { readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadEnvExample, loadYamlDocuments, readRepoFile, ROOT, SHARED_KEYS } from '../helpers/deploy-files.js';
import { schemaProblems, typeProblems, type Manifest } from '../helpers/kubernetes-manifests.js';

// deploy/kubernetes: valid against the Kubernetes API's definitions, and shaped as README promises.

const DIR = 'deploy/kubernetes';
const kustomization = parse(readRepoFile(`${DIR}/kustomization.yaml`)) as { resources: string[]; kind: string };
const manifests: Manifest[] = kustomization.resources.flatMap((file) => loadYamlDocuments(`${DIR}/${file}`).map((doc) => ({ ...doc, file }) as Manifest));

interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports: { name: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Deployment extends Manifest {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        securityContext: { runAsNonRoot?: boolean };
        containers: Container[];
        volumes: { name: string; configMap?: { name: string; items?: { key: string; path: string }[] }; emptyDir?: object }[];
      };
    };
  };
}

const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const deployments = byKind('Deployment') as Deployment[];
const roleOf = (d: Deployment) => d.spec.template.spec.containers[0]!.env?.find((e) => e.name === 'FIREBREAK_ROLE')?.value;
const deploymentFor = (role: string) => deployments.find((d) => roleOf(d) === role)!;
const settings = byKind('ConfigMap').find((m) => m.metadata.name === 'firebreak-settings') as Manifest & { data: Record<string, string> };
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('deploy/kubernetes against the Kubernetes API definitions', () => {
  it('lists every manifest file in kustomization.yaml', () => {
    expect(kustomization.kind).toBe('Kustomization');
    const files = readdirSync(`${ROOT}${DIR}`).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('validates every manifest against the OpenAPI schemas', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/firebreak-settings',
      'Deployment/firebreak-http',
      'Deployment/firebreak-worker',
      'PodDisruptionBudget/firebreak-http',
      'PodDisruptionBudget/firebreak-worker',
      'Service/firebreak-http',
    ]);
    expect(manifests.flatMap(schemaProblems)).toEqual([]);
  });

  it('uses no field the API does not have', () => {
    expect(typeProblems(manifests)).toEqual([]);
  }, 60_000);

  it('is checked for real: a wrong type, a missing required field and an unknown field are each found', () => {
    const broken = structuredClone(deploymentFor('http'));
    broken.spec.template.spec.containers[0]!.ports[0]!.containerPort = '3000' as unknown as number;
    expect(schemaProblems(broken).join('\n')).toMatch(/containerPort must be integer/);
    const noName = structuredClone(deploymentFor('http'));
    delete (noName.spec.template.spec.containers[0] as Partial<Container>).name;
    expect(schemaProblems(noName).join('\n')).toMatch(/containers\/0 must have required property name/);
    const misplaced = structuredClone(deploymentFor('worker'));
    (misplaced.spec.template.spec.containers[0] as unknown as Record<string, unknown>).readinessprobe = { httpGet: { path: '/readyz', port: 3000 } };
    expect(schemaProblems(misplaced)).toEqual([]);
    expect(typeProblems([misplaced]).join('\n')).toMatch(/'"readinessprobe"' does not exist in type 'IContainer'/);
  }, 60_000);
});

describe('deploy/kubernetes Firebreak roles', () => {
  it('runs an http and a worker Deployment, two of each, from a pinned image', () => {
    expect(deployments.map(roleOf).sort()).toEqual(['http', 'worker']);
    for (const d of deployments) {
      expect(d.spec.replicas, d.metadata.name).toBe(2);
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels), d.metadata.name).toBe(true);
      const [container] = d.spec.template.spec.containers;
      expect(container!.image, d.metadata.name).toMatch(/^[a-z0-9./-]+:\d+\.\d+\.\d+$/);
    }
    expect(deploymentFor('worker').spec.template.spec.containers[0]!.env).toContainEqual({ name: 'TEMPORAL_METRICS_BIND', value: '0.0.0.0:9464' });
  });

  it('probes readiness on /readyz and liveness on /healthz, on a port the container declares', () => {
    for (const d of deployments) {
      const [container] = d.spec.template.spec.containers;
      const ports = container!.ports.map((p) => p.name);
      expect(container!.readinessProbe?.httpGet.path, d.metadata.name).toBe('/readyz');
      expect(container!.livenessProbe?.httpGet.path, d.metadata.name).toBe('/healthz');
      expect(container!.startupProbe?.httpGet.path, d.metadata.name).toBe('/healthz');
      for (const probe of [container!.readinessProbe, container!.livenessProbe, container!.startupProbe]) expect(ports).toContain(probe!.httpGet.port);
      expect(container!.ports.find((p) => p.name === container!.readinessProbe!.httpGet.port)?.containerPort).toBe(Number(settings.data.PORT));
    }
  });

  it('sets CPU and memory requests and limits', () => {
    for (const d of deployments) {
      const { requests, limits } = d.spec.template.spec.containers[0]!.resources;
      expect(Object.keys(requests ?? {}).sort(), d.metadata.name).toEqual(['cpu', 'memory']);
      expect(Object.keys(limits ?? {}).sort(), d.metadata.name).toEqual(['cpu', 'memory']);
    }
  });

  it('keeps one pod of each role through voluntary disruptions', () => {
    for (const d of deployments) {
      const budgets = byKind('PodDisruptionBudget').filter((b) => matches((b.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, d.spec.template.metadata.labels));
      expect(budgets.map((b) => (b.spec as { minAvailable: number }).minAvailable), d.metadata.name).toEqual([1]);
    }
  });

  it('exposes the http pods through a Service on their http port', () => {
    const [service] = byKind('Service') as (Manifest & { spec: { selector: Record<string, string>; ports: { targetPort: string }[] } })[];
    const http = deploymentFor('http');
    expect(matches(service!.spec.selector, http.spec.template.metadata.labels)).toBe(true);
    expect(matches(service!.spec.selector, deploymentFor('worker').spec.template.metadata.labels)).toBe(false);
    expect(http.spec.template.spec.containers[0]!.ports.map((p) => p.name)).toContain(service!.spec.ports[0]!.targetPort);
  });
});

describe('deploy/kubernetes settings, secrets and policy', () => {
  it('mounts the firebreak-policy ConfigMap read-only where FIREBREAK_CONFIG points', () => {
    const config = settings.data.FIREBREAK_CONFIG!;
    for (const d of deployments) {
      const { containers, volumes } = d.spec.template.spec;
      const mount = containers[0]!.volumeMounts.find((m) => m.mountPath === posix.dirname(config));
      expect(mount?.readOnly, d.metadata.name).toBe(true);
      const volume = volumes.find((v) => v.name === mount!.name);
      expect(volume?.configMap?.name, d.metadata.name).toBe('firebreak-policy');
      expect(volume?.configMap?.items, d.metadata.name).toEqual([{ key: 'firebreak.config.yaml', path: posix.basename(config) }]);
    }
  });

  it('takes DATABASE_URL and the shared keys from the Secret, required, and commits no Secret', () => {
    expect(byKind('Secret')).toEqual([]);
    for (const d of deployments) {
      const container = d.spec.template.spec.containers[0]!;
      for (const key of ['DATABASE_URL', ...SHARED_KEYS]) {
        const ref = container.env?.find((e) => e.name === key)?.valueFrom?.secretKeyRef;
        expect(ref, `${d.metadata.name} ${key}`).toEqual({ name: 'firebreak-secrets', key });
      }
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'firebreak-settings' } }, { secretRef: { name: 'firebreak-secrets' } }]);
    }
  });

  it('sets only settings Firebreak reads (.env.example), none of them secret in the ConfigMap', () => {
    const listed = new Set(loadEnvExample().entries.map((e) => e.name));
    const named = [...Object.keys(settings.data), ...deployments.flatMap((d) => (d.spec.template.spec.containers[0]!.env ?? []).map((e) => e.name))];
    expect(named.filter((name) => !listed.has(name))).toEqual([]);
    expect(Object.keys(settings.data).filter((name) => /KEY|TOKEN|SECRET|PASSWORD|DATABASE_URL/.test(name))).toEqual([]);
  });

  it('runs as a non-root user on a read-only root file system with a writable /tmp and no privileges', () => {
    for (const d of deployments) {
      const { securityContext, containers, volumes } = d.spec.template.spec;
      expect(securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      const container = containers[0]!;
      expect(container.securityContext, d.metadata.name).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
      expect(volumes.find((v) => v.name === tmp?.name)?.emptyDir, d.metadata.name).toBeDefined();
    }
  });
});
