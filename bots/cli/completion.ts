// `firebreak completion bash|zsh|fish`: a completion script for the shell, printed to stdout.
// The scripts are generated from one table of commands, their words and their options, and `run`
// completes the first word of the shared command grammar (domain/commands), so a command added
// there is offered by every shell without touching this file.

import { SUBCOMMANDS } from '../../domain/commands/usage.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface CommandSpec {
  about: string;
  /** Words the first argument may be. */
  words?: readonly string[];
  options: readonly string[];
}

const SEVERITIES = ['1', '2', '3', '4'];

const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  declare: { about: 'declare an incident', options: ['--sev', '--service', '--description', '--private', '--idempotency-key', '--json'] },
  status: { about: "show an incident's state", options: ['--json'] },
  list: { about: 'list open or all incidents', words: ['open', 'all'], options: ['--sev', '--service', '--json'] },
  run: { about: 'run any /incident command', words: SUBCOMMANDS, options: ['--incident', '--idempotency-key', '--json'] },
  audit: { about: 'verify or seal the audit log', words: ['verify', 'seal'], options: ['--idempotency-key', '--json'] },
  webhooks: { about: 'send a webhook subscriber its undelivered events again', words: ['replay'], options: ['--since', '--idempotency-key', '--json'] },
  completion: { about: 'print a shell completion script', words: SHELLS, options: [] },
  help: { about: 'show the usage', options: [] },
};

const GLOBAL_OPTIONS = ['--help', '--version'];

export function isShell(value: string | undefined): value is Shell {
  return (SHELLS as readonly string[]).includes(value ?? '');
}

export function completionScript(shell: Shell): string {
  return shell === 'bash' ? bash() : shell === 'zsh' ? zsh() : fish();
}

const names = Object.keys(COMMANDS);

function bash(): string {
  const cases = Object.entries(COMMANDS)
    .map(([name, spec]) => `    ${name}) words="${(spec.words ?? []).join(' ')}"; options="${spec.options.join(' ')}" ;;`)
    .join('\n');
  return `# firebreak completion for bash: source <(firebreak completion bash), or save it as
# ~/.local/share/bash-completion/completions/firebreak
_firebreak() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" words="" options=""
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${names.join(' ')} ${GLOBAL_OPTIONS.join(' ')}" -- "$cur"))
    return
  fi
  case "$prev" in
    --sev) COMPREPLY=($(compgen -W "${SEVERITIES.join(' ')}" -- "$cur")); return ;;
    --service|--description|--idempotency-key|--incident) return ;;
  esac
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ $COMP_CWORD -eq 2 ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  fi
}
complete -F _firebreak firebreak
`;
}

function zsh(): string {
  const quote = (text: string) => text.replace(/'/g, "'\\''");
  const commandLines = Object.entries(COMMANDS).map(([name, spec]) => `    '${name}:${quote(spec.about)}'`).join('\n');
  const cases = Object.entries(COMMANDS)
    .map(([name, spec]) => `    ${name}) choices=(${(spec.words ?? []).join(' ')}); options=(${spec.options.join(' ')}) ;;`)
    .join('\n');
  // `words` is zsh's own array of the words on the command line, so the choices are named otherwise.
  return `#compdef firebreak
# firebreak completion for zsh: source <(firebreak completion zsh) after compinit, or save it as
# _firebreak in a folder on $fpath
_firebreak() {
  local -a commands choices options
  commands=(
${commandLines}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'firebreak command' commands
    compadd -- ${GLOBAL_OPTIONS.join(' ')}
    return
  fi
  case "\${words[CURRENT-1]}" in
    --sev) compadd -- ${SEVERITIES.join(' ')}; return ;;
    --service|--description|--idempotency-key|--incident) return ;;
  esac
  case "\${words[2]}" in
${cases}
  esac
  if [[ "\${words[CURRENT]}" == -* ]]; then
    compadd -- $options
  elif (( CURRENT == 3 )); then
    compadd -- $choices
  fi
}
if [[ "\${funcstack[1]}" == _firebreak ]]; then
  _firebreak "$@"
else
  compdef _firebreak firebreak
fi
`;
}

function fish(): string {
  const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [
    '# firebreak completion for fish: firebreak completion fish > ~/.config/fish/completions/firebreak.fish',
    'complete -c firebreak -f',
    "complete -c firebreak -s h -l help -d 'show the usage'",
    "complete -c firebreak -s V -l version -d 'print the version'",
  ];
  for (const [name, spec] of Object.entries(COMMANDS)) {
    lines.push(`complete -c firebreak -n __fish_use_subcommand -a ${name} -d ${quote(spec.about)}`);
    const after = `'__fish_seen_subcommand_from ${name}'`;
    if (spec.words?.length) lines.push(`complete -c firebreak -n ${after} -a ${quote(spec.words.join(' '))}`);
    for (const option of spec.options) {
      const long = option.slice(2);
      const value = option === '--json' ? '' : option === '--sev' ? ` -x -a ${quote(SEVERITIES.join(' '))}` : ' -x';
      lines.push(`complete -c firebreak -n ${after} -l ${long}${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
