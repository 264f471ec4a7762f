import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completionScript, isShell } from '../../bots/cli/completion.js';
import { findPolicyFile, notFoundMessage, policyCandidates } from '../../bots/cli/policy-file.js';
import { quickAnswer } from '../../bots/cli/usage.js';
import { cliVersion, installRoot } from '../../bots/cli/version.js';
import { renderListing } from '../../bots/render/text.js';
import { SUBCOMMANDS } from '../../domain/commands/usage.js';
import { neutraliseForTerminal } from '../../domain/terminal.js';

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('firebreak --version, help and completion', () => {
  it('are answered before any command loads', () => {
    expect(quickAnswer([])).toEqual({ kind: 'help' });
    expect(quickAnswer(['--help'])).toEqual({ kind: 'help' });
    expect(quickAnswer(['--version'])).toEqual({ kind: 'version' });
    expect(quickAnswer(['-V'])).toEqual({ kind: 'version' });
    expect(quickAnswer(['completion', 'zsh'])).toEqual({ kind: 'completion', shell: 'zsh' });
    expect(quickAnswer(['completion'])).toEqual({ kind: 'completion' });
    expect(quickAnswer(['list', 'all'])).toBeUndefined();
    expect(quickAnswer(['list', '--nope'])).toBeUndefined();
  });

  it("prints package.json's version, from the checkout as from a build", () => {
    expect(cliVersion()).toBe(PACKAGE.version);
    expect(installRoot(join(installRoot()!, 'dist', 'bots', 'cli'))).toBe(installRoot());
  });

  it('knows the three shells', () => {
    expect(['bash', 'zsh', 'fish'].every(isShell)).toBe(true);
    expect(isShell('powershell')).toBe(false);
    expect(isShell(undefined)).toBe(false);
  });
});

/** What bash offers after `line` (the cursor at its end), with the script sourced. */
function bashCompletes(line: string): string[] {
  const words = line.split(' ');
  const script = `${completionScript('bash')}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_firebreak; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

describe('the bash completion script', () => {
  it('is valid bash and completes commands, their words and options', () => {
    expect(() => execFileSync('bash', ['-n'], { input: completionScript('bash') })).not.toThrow();
    expect(bashCompletes('firebreak au')).toEqual(['audit']);
    expect(bashCompletes('firebreak --v')).toEqual(['--version']);
    expect(bashCompletes('firebreak audit ')).toEqual(['seal', 'verify']);
    expect(bashCompletes('firebreak completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(bashCompletes('firebreak declare Checkout --s')).toEqual(['--service', '--sev']);
    expect(bashCompletes('firebreak declare Checkout --d')).toEqual(['--description']);
    expect(bashCompletes('firebreak list --sev ')).toEqual(['1', '2', '3', '4']);
    expect(bashCompletes('firebreak list --service ')).toEqual([]);
  });

  it("completes `run` with the command grammar's words", () => {
    expect(bashCompletes('firebreak run ')).toEqual([...SUBCOMMANDS].sort());
    expect(bashCompletes('firebreak run sta')).toEqual(['status', 'statuspage']);
  });
});

describe('the zsh and fish completion scripts', () => {
  it('define the same commands and options', () => {
    const zsh = completionScript('zsh');
    expect(zsh.startsWith('#compdef firebreak\n')).toBe(true);
    expect(zsh).toContain('compdef _firebreak firebreak');
    expect(zsh).toContain("'audit:verify or seal the audit log'");
    expect(zsh).toContain('audit) choices=(verify seal); options=(--idempotency-key --json) ;;');
    // zsh's own `words` array is read, never declared local.
    expect(zsh).not.toMatch(/local -a[^\n]*\bwords\b/);
    const fish = completionScript('fish');
    expect(fish).toContain('complete -c firebreak -n __fish_use_subcommand -a declare -d');
    expect(fish).toContain("complete -c firebreak -n '__fish_seen_subcommand_from declare' -l sev -x -a '1 2 3 4'");
    expect(fish).toContain("complete -c firebreak -n '__fish_seen_subcommand_from audit' -a 'verify seal'");
    expect(fish).toContain("-d 'show an incident\\'s state'");
  });
});

describe('finding the policy file', () => {
  function tree() {
    const root = mkdtempSync(join(tmpdir(), 'firebreak-cli-'));
    const project = join(root, 'project');
    const deep = join(project, 'services', 'payments');
    mkdirSync(deep, { recursive: true });
    mkdirSync(join(project, '.git'));
    const config = join(root, 'config');
    const install = join(root, 'install');
    mkdirSync(join(config, 'firebreak'), { recursive: true });
    mkdirSync(install);
    return { root, project, deep, config, install };
  }

  it('looks from the current folder up to the project root, then XDG_CONFIG_HOME, then the install folder', () => {
    const t = tree();
    const search = { cwd: t.deep, xdgConfigHome: t.config, home: '/home/nobody', installDir: t.install };
    expect(policyCandidates(search)).toEqual([
      join(t.deep, 'firebreak.config.yaml'),
      join(t.project, 'services', 'firebreak.config.yaml'),
      join(t.project, 'firebreak.config.yaml'),
      join(t.config, 'firebreak', 'firebreak.config.yaml'),
      join(t.install, 'firebreak.config.yaml'),
    ]);
    expect(findPolicyFile(search)).toEqual({ found: false, searched: policyCandidates(search) });
    writeFileSync(join(t.install, 'firebreak.config.yaml'), 'x');
    expect(findPolicyFile(search)).toEqual({ found: true, path: join(t.install, 'firebreak.config.yaml') });
    writeFileSync(join(t.config, 'firebreak', 'firebreak.config.yaml'), 'x');
    expect(findPolicyFile(search)).toEqual({ found: true, path: join(t.config, 'firebreak', 'firebreak.config.yaml') });
    writeFileSync(join(t.project, 'firebreak.config.yaml'), 'x');
    expect(findPolicyFile(search)).toEqual({ found: true, path: join(t.project, 'firebreak.config.yaml') });
    // ~/.config without XDG_CONFIG_HOME.
    expect(policyCandidates({ cwd: t.project, home: '/home/nobody' })).toEqual([join(t.project, 'firebreak.config.yaml'), '/home/nobody/.config/firebreak/firebreak.config.yaml']);
  });

  it('looks only where FIREBREAK_CONFIG says when it is set, relative to the current folder', () => {
    const t = tree();
    writeFileSync(join(t.project, 'firebreak.config.yaml'), 'x');
    const search = { configured: '../elsewhere.yaml', cwd: t.deep, xdgConfigHome: t.config, installDir: t.install };
    expect(findPolicyFile(search)).toEqual({ found: false, searched: [join(t.project, 'services', 'elsewhere.yaml')] });
  });

  it('says where it looked and what to set', () => {
    expect(notFoundMessage(['/a/firebreak.config.yaml', '/b/firebreak.config.yaml', '/c/firebreak.config.yaml'])).toBe(
      'No policy file at /a/firebreak.config.yaml, /b/firebreak.config.yaml or /c/firebreak.config.yaml; set FIREBREAK_CONFIG to its path.',
    );
    expect(notFoundMessage(['/x.yaml'])).toBe('No policy file at /x.yaml; set FIREBREAK_CONFIG to its path.');
  });
});

describe('list output', () => {
  it('shows each title on its line, however the title was written', () => {
    const listing = renderListing([
      { key: 'INC-12', severity: 'SEV2', phase: 'mitigating', services: ['payments'], title: 'Checkout returns 502' },
      { key: 'INC-13', severity: 'SEV3', phase: 'triage', services: [], title: 'two\nlines\there' },
      { key: 'INC-14', severity: 'SEV4', phase: 'triage', services: ['search'] },
    ]);
    expect(listing.split('\n')).toEqual([
      'INC-12   SEV2  mitigating  payments     Checkout returns 502',
      'INC-13   SEV3  triage      —            two lines here',
      'INC-14   SEV4  triage      search',
    ]);
  });

  it('carries no escape sequence, control character or bidi override to the terminal', () => {
    const title = 'Checkout \u001b[2J\u001b]0;owned\u0007502\u001b[1A\r\u202eevil\u2066 \u009b31m \u0007bell';
    const shown = neutraliseForTerminal(renderListing([{ key: 'INC-1', severity: 'SEV1', phase: 'triage', services: ['payments'], title }]));
    expect(shown).toBe('INC-1    SEV1  triage      payments     Checkout 502 evil  bell');
    // eslint-disable-next-line no-control-regex
    expect(shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(neutraliseForTerminal('keeps\ttabs\nand lines')).toBe('keeps\ttabs\nand lines');
  });
});

describe('firebreak declare private', () => {
  it('declares private with a leading private word or --private, and keeps a quoted title that starts with the word', { timeout: 60_000 }, async () => {
    // run.ts loads the CLI's command modules: slow on a loaded machine, hence the timeout.
    const { toCommand } = await import('../../bots/cli/run.js');
    expect(toCommand('declare', ['private', 'Payroll', 'export', 'misrouted'], {}).command).toEqual({ kind: 'declare', title: 'Payroll export misrouted', severity: undefined, services: [], private: true });
    expect(toCommand('declare', ['Payroll export misrouted'], { private: true }).command).toMatchObject({ title: 'Payroll export misrouted', private: true });
    expect(toCommand('declare', ['private beta is down'], {}).command).not.toHaveProperty('private');
    expect(toCommand('declare', ['private beta is down'], {}).command).toMatchObject({ title: 'private beta is down' });
    expect(() => toCommand('declare', ['private'], { private: true })).not.toThrow();
  });
});
