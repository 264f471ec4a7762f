import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  alertGroupWorkflowId,
  allResolved,
  allResolvedNote,
  anchoredRegex,
  applyAlerts,
  changeNote,
  matches,
  routeGroup,
  type NormalisedAlert,
} from '../../domain/alerts/index.js';
import { parsePolicy } from '../../domain/policy/index.js';

const fixtureText = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');
const exampleText = readFileSync(new URL('../../firebreak.config.yaml', import.meta.url), 'utf8');

function errorOf(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a policy error');
}

const withAlerts = (alertsYaml: string) => fixtureText.replace(/\nalerts:\n[\s\S]*$/, `\nalerts:\n${alertsYaml}\n`);

describe('alerts policy', () => {
  it('parses the fixture and the example, with defaults', () => {
    const alerts = parsePolicy(fixtureText, 'policy.yaml').alerts!;
    expect(alerts.sources.alertmanager).toEqual({ kind: 'alertmanager', tokenEnv: 'FIREBREAK_TEST_ALERTMANAGER_TOKEN' });
    expect(alerts.attachWindowSeconds).toBe(7200);
    expect(alerts.routes[0]!.severity).toEqual({ critical: 'SEV2', warning: 'SEV4' });
    expect(alerts.routes[1]!.severity).toEqual({});
    expect(parsePolicy(exampleText).alerts?.routes).toHaveLength(2);
    const minimal = parsePolicy(withAlerts('  sources: { am: { kind: alertmanager, tokenEnv: AM_TOKEN } }'), 'policy.yaml').alerts!;
    expect(minimal.default).toEqual({ action: 'notify', severity: {} });
    expect(minimal.routes).toEqual([]);
    expect(minimal.attachWindowSeconds).toBe(7200);
    expect(minimal.closeResolvedGroupsAfterSeconds).toBe(3600);
  });

  it('is optional', () => {
    expect(parsePolicy(fixtureText.replace(/\nalerts:\n[\s\S]*$/, '\n'), 'policy.yaml').alerts).toBeUndefined();
  });

  it('names a bad regular expression, an unknown service, a bad kind and a token written inline', () => {
    expect(errorOf(withAlerts('  routes:\n    - { match: [{ label: a, op: "=~", value: "(" }], service: payments, action: declare }'))).toMatch(
      /^policy\.yaml: alerts\.routes\[0\]\.match\[0\]\.value: not a valid regular expression/,
    );
    expect(errorOf(withAlerts('  routes:\n    - { match: [{ label: a, op: "=", value: x }], service: nope, action: declare }'))).toMatch(
      /alerts\.routes\[0\]\.service: service "nope" is not defined under services/,
    );
    expect(errorOf(withAlerts('  sources: { am: { kind: pagerduty, tokenEnv: X } }'))).toMatch(/alerts\.sources\.am\.kind: expected alertmanager, grafana, http, got "pagerduty"/);
    expect(errorOf(withAlerts('  sources: { am: { kind: http, tokenEnv: "s3cr3t-token" } }'))).toMatch(/alerts\.sources\.am\.tokenEnv: expected an environment variable name/);
    expect(errorOf(withAlerts('  sources: { am: { kind: http, tokenEnv: X, timestampHeader: X-Ts } }'))).toMatch(/alerts\.sources\.am\.timestampHeader: only a grafana source signs with a timestamp/);
    expect(errorOf(withAlerts('  default: { action: declare }'))).toMatch(/alerts\.default\.service: missing; a default route that declares needs the service/);
    expect(errorOf(withAlerts('  routes:\n    - { match: [{ label: a, op: "~", value: x }], service: payments, action: declare }'))).toMatch(/op: expected "=", "!=" or "=~"/);
  });
});

describe('matching and routing', () => {
  const rules = parsePolicy(fixtureText, 'policy.yaml').alerts!;

  it('anchors =~ like Alertmanager and treats a missing label as empty', () => {
    expect(anchoredRegex('foo').test('foo')).toBe(true);
    expect(anchoredRegex('foo').test('foobar')).toBe(false);
    expect(anchoredRegex('a|b').test('ab')).toBe(false);
    expect(matches({ label: 'env', op: '!=', value: 'staging' }, {})).toBe(true);
    expect(matches({ label: 'env', op: '=', value: '' }, {})).toBe(true);
    expect(matches({ label: 'env', op: '=~', value: '.*' }, {})).toBe(true);
    expect(matches({ label: 'env', op: '=~', value: '.+' }, {})).toBe(false);
  });

  it('takes the first matching route, maps severity and falls back to the default route', () => {
    expect(routeGroup(rules, { service: 'payments', severity: 'critical' })).toEqual({ route: 0, action: 'declare', service: 'payments', severity: 'SEV2' });
    expect(routeGroup(rules, { service: 'payments', severity: 'page-me' })).toMatchObject({ route: 0, severity: 'SEV3' });
    expect(routeGroup(rules, { service: 'payments' })).toMatchObject({ severity: 'SEV3' });
    // The first route wins even when a later one matches too.
    expect(routeGroup(rules, { service: 'payments', team: 'search' })).toMatchObject({ route: 0 });
    expect(routeGroup(rules, { team: 'ranking', env: 'prod' })).toEqual({ route: 1, action: 'notify', service: 'search', severity: 'SEV3' });
    expect(routeGroup(rules, { team: 'ranking', env: 'staging' })).toEqual({ route: 'default', action: 'notify', severity: 'SEV3' });
    expect(routeGroup({ routes: [], default: { action: 'declare', service: 'search', severity: { critical: 'SEV1' } } }, { severity: 'critical' })).toEqual({
      route: 'default',
      action: 'declare',
      service: 'search',
      severity: 'SEV1',
    });
    // An inherited property name is not a severity mapping.
    expect(routeGroup(rules, { service: 'payments', severity: 'constructor' })).toMatchObject({ severity: 'SEV3' });
  });
});

describe('grouping', () => {
  const alert = (fingerprint: string, status: 'firing' | 'resolved'): NormalisedAlert => ({
    fingerprint,
    status,
    labels: { alertname: 'HighErrorRate', service: 'payments' },
    annotations: { summary: '5xx above 5%' },
  });

  it('reports only new alerts and status flips, so re-sends change nothing', () => {
    const first = applyAlerts({}, [alert('a', 'firing'), alert('b', 'firing')]);
    expect(first.changes.map((c) => c.alert.fingerprint)).toEqual(['a', 'b']);
    const resend = applyAlerts(first.known, [alert('a', 'firing'), alert('b', 'firing')]);
    expect(resend.changes).toEqual([]);
    const partly = applyAlerts(resend.known, [alert('a', 'resolved'), alert('b', 'firing')]);
    expect(partly.changes).toEqual([{ alert: alert('a', 'resolved'), was: 'firing' }]);
    expect(allResolved(partly.known)).toBe(false);
    const done = applyAlerts(partly.known, [alert('a', 'resolved'), alert('b', 'resolved')]);
    expect(done.changes).toHaveLength(1);
    expect(allResolved(done.known)).toBe(true);
    expect(allResolved({})).toBe(false);
  });

  it('writes notes that say what changed', () => {
    expect(changeNote({ alert: alert('a', 'firing') })).toBe(
      'Alert HighErrorRate firing (fingerprint a)\nlabels: alertname=HighErrorRate, service=payments\nannotations: summary=5xx above 5%',
    );
    expect(changeNote({ alert: alert('a', 'firing'), was: 'resolved' })).toMatch(/^Alert HighErrorRate fired again/);
    expect(changeNote({ alert: alert('a', 'resolved'), was: 'firing' })).toMatch(/^Alert HighErrorRate resolved/);
    expect(allResolvedNote(2)).toMatch(/^All 2 alerts of this group are resolved\. Commander: .*mitigated/);
  });

  it('gives each group of each source one stable workflow ID', () => {
    const id = alertGroupWorkflowId('alertmanager', '{}/{service="payments"}:{alertname="HighErrorRate"}');
    expect(id).toMatch(/^alert-group:alertmanager:[0-9a-f]{32}$/);
    expect(alertGroupWorkflowId('alertmanager', '{}/{service="payments"}:{alertname="HighErrorRate"}')).toBe(id);
    expect(alertGroupWorkflowId('uptime', '{}/{service="payments"}:{alertname="HighErrorRate"}')).not.toBe(id);
    expect(alertGroupWorkflowId('alertmanager', 'other')).not.toBe(id);
  });
});
