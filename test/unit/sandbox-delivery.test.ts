// The pure parts of sandbox delivery: the playbook as Slack mrkdwn in blocks Slack accepts, the
// credentials DM (the secret in blocks only), the provenance lines the workflow cannot know, and
// `release:REF` resolved through the GitHub stand-in as GitHub answers (a SHA, 422, 404).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubApi } from '../../activities/github/client.js';
import { createReleaseResolver } from '../../activities/github/sandbox-notifier.js';
import { withProvenanceExtras } from '../../activities/sandbox/provenance.js';
import { credentialsMessage, splitBlocks, toMrkdwn } from '../../activities/slack/sandbox-notifier.js';
import { parseEnv } from '../../platform/config/index.js';
import { renderPlaybook, type SandboxProvenance } from '../../domain/sandbox/provenance.js';
import { createLogger } from '../../platform/logger.js';
import { startGitHubStandIn, type GitHubStandIn } from '../standins/github-api.js';

const provenance: SandboxProvenance = {
  sandbox: 'SBX-4',
  incident: 'INC-9',
  source: { name: 'primary', database: 'app', server: 'db:5432' },
  snapshotAt: '2026-01-01T00:00:00.000Z',
  schemaHash: 'a'.repeat(64),
  policyHash: 'b'.repeat(64),
  seed: 42,
  release: { ref: 'v1.2.3' },
  rowCounts: { 'public.customers': 10 },
  rules: { 'public.customers': { email: 'fake_email' } },
  contentHash: 'c'.repeat(64),
  requester: 'alice',
  ttlSeconds: 600,
};
const markdown = renderPlaybook({ provenance, connection: { host: 'db:5432', database: 'sandbox_sbx_4', role: 'sandbox_sbx_4' }, expiresAt: '2026-01-01T00:10:00.000Z', incidentTitle: 'Checkout <502>', timeline: [] });

describe('sandbox delivery', () => {
  it('turns the playbook into mrkdwn: bold headings, tables in code, escaped text, blocks of at most 3000 characters', () => {
    const text = toMrkdwn(markdown);
    expect(text).toContain('*Reproduction playbook: SBX-4 for INC-9*');
    expect(text).toContain('Checkout &lt;502&gt;');
    expect(text).toMatch(/```\n\| table \| rows \| masking \|\n\| public\.customers \| 10 \| email: fake_email \|\n```/);
    expect(text).not.toContain('|---|');
    const long = splitBlocks(`${'x'.repeat(3500)}\n${'y\n'.repeat(2000)}`);
    expect(long.every((b) => b.length <= 3000)).toBe(true);
    expect(long.join('').replace(/\n/g, '')).toBe(`${'x'.repeat(3500)}${'y'.repeat(2000)}`);
  });

  it('puts the sandbox password in the DM blocks only, never in the fallback text', () => {
    const url = 'postgres://sandbox_sbx_4:s3cret-Pass@db:5432/sandbox_sbx_4';
    const message = credentialsMessage({ kind: 'credentials', sandbox: 'SBX-4', incident: 'INC-9', key: 'k', requester: { source: 'slack', id: 'U1' }, url, role: 'sandbox_sbx_4', validUntil: '2026-01-01T00:10:00.000Z' });
    expect(message.text).not.toContain('s3cret-Pass');
    expect(JSON.stringify(message.blocks)).toContain('*password*: `s3cret-Pass`');
    expect(JSON.stringify(message.blocks)).toContain(`*url*: \`${url}\``);
  });

  it('adds the release commit and the flag states before the Recreate section', () => {
    const resolved = { ...provenance, release: { ref: 'v1.2.3', sha: 'f'.repeat(40) }, flags: { 'new-checkout@development': { enabled: true }, 'smart-retries@development': { enabled: null, error: 'unreachable' } } };
    const out = withProvenanceExtras(markdown, resolved);
    expect(out).toMatch(new RegExp(`- Release v1\\.2\\.3: commit \`${'f'.repeat(40)}\`\\n- Flags at the incident's start: new-checkout@development: on, smart-retries@development: unknown \\(unreachable\\)\\n\\n## Recreate`));
    expect(withProvenanceExtras(markdown, { ...provenance, flags: {} })).toContain("- Release v1.2.3: commit not resolved\n- Flags at the incident's start: none recorded");
    expect(withProvenanceExtras(markdown, undefined)).toBe(markdown);
  });

  describe('release resolution through the GitHub stand-in', () => {
    let github: GitHubStandIn;
    beforeAll(async () => {
      github = await startGitHubStandIn();
      github.commits.set('acme/payments', new Map([['v1.2.3', 'd'.repeat(40)]]));
    });
    afterAll(async () => github?.stop());

    it('answers the commit SHA for a known ref, and nothing for an unknown ref (422) or repository (404)', async () => {
      const config = parseEnv({ DATABASE_URL: 'postgres://u@127.0.0.1/db', GITHUB_API_URL: github.url, GITHUB_TOKEN: 'ghp_standin_token_0123456789' });
      const resolve = createReleaseResolver(createGitHubApi(config.github!, { logger: createLogger({ level: 'silent' }), paceWrites: false }));
      expect(await resolve('acme/payments', 'v1.2.3')).toBe('d'.repeat(40));
      expect(await resolve('acme/payments', 'v9.9.9')).toBeUndefined();
      expect(await resolve('acme/nowhere', 'v1.2.3')).toBeUndefined();
      expect(github.callsTo('GET', /\/commits\//).map((c) => c.status)).toEqual([200, 422, 404]);
    });
  });
});
