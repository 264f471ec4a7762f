// A small reader of Dockerfile instructions, so tests assert on what Docker would execute (stages,
// their instructions and arguments) rather than on the text: a comment or a reflowed line cannot
// satisfy or break them. Covers what Firebreak's Dockerfile uses: line continuations, comments
// (also inside a continued instruction), --flags, exec (JSON) and shell forms. No heredocs.

export interface Instruction {
  keyword: string;
  /** `--from=build`, `--interval=15s`, …: name → value ('' for a bare flag). */
  flags: Record<string, string>;
  /** The arguments after the flags, as written (continuations joined with a space). */
  args: string;
  /** The arguments of the exec form (`["node", "x.js"]`), when they are a JSON array. */
  exec?: string[];
}

export interface Stage {
  /** The image or earlier stage it starts FROM, unexpanded (`${NODE_IMAGE}`, `deps`). */
  base: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string | undefined>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const result: Dockerfile = { globalArgs: {}, stages: [] };
  for (const instruction of logicalLines(text).map(parseInstruction)) {
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = instruction.args.split(/\s+/);
      result.stages.push({ base: base!, ...(as?.toUpperCase() === 'AS' ? { name } : {}), instructions: [] });
    } else if (result.stages.length > 0) {
      result.stages.at(-1)!.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      const [key, value] = splitAssignment(instruction.args);
      result.globalArgs[key] = value;
    }
  }
  return result;
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // Comment lines are dropped, also between the pieces of a continued instruction.
    if (line === '' || line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending.push(line.slice(0, -1).trim());
      continue;
    }
    lines.push([...pending, line].join(' '));
    pending = [];
  }
  if (pending.length > 0) lines.push(pending.join(' '));
  return lines;
}

function parseInstruction(line: string): Instruction {
  const [, keyword, rest = ''] = /^(\S+)\s*(.*)$/.exec(line)!;
  const flags: Record<string, string> = {};
  let args = rest;
  for (let flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(args); flag; flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(args)) {
    flags[flag[1]!] = flag[2] ?? '';
    args = args.slice(flag[0].length);
  }
  return { keyword: keyword!.toUpperCase(), flags, args, ...execForm(args) };
}

function execForm(args: string): { exec?: string[] } {
  if (!args.startsWith('[')) return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? { exec: parsed } : {};
  } catch {
    return {};
  }
}

function splitAssignment(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text.trim(), undefined] : [text.slice(0, at).trim(), unquote(text.slice(at + 1).trim())];
}

const unquote = (value: string) => (/^(["']).*\1$/.test(value) ? value.slice(1, -1) : value);

/** The stage's instructions of one kind, in order. */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** Every ENV of the stage as one map (`ENV A=1 B=2` and the legacy `ENV A 1`). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructionsOf(stage, 'ENV')) {
    const pairs = args.match(/[^\s=]+=("[^"]*"|'[^']*'|\S*)/g);
    if (pairs) for (const pair of pairs) env[pair.slice(0, pair.indexOf('='))] = unquote(pair.slice(pair.indexOf('=') + 1));
    else env[args.split(/\s+/)[0]!] = args.split(/\s+/).slice(1).join(' ');
  }
  return env;
}

/** The shell commands the stage's RUN instructions execute, split at `&&` and `;`. */
export function shellCommandsOf(stage: Stage): string[] {
  return instructionsOf(stage, 'RUN').flatMap((run) => (run.exec ? [run.exec.join(' ')] : run.args.split(/&&|;/).map((c) => c.trim()).filter(Boolean)));
}

export interface Copy {
  from?: string;
  sources: string[];
  destination: string;
}

/** The stage's COPY instructions: where from (`--from`), what and to where. */
export function copiesOf(stage: Stage): Copy[] {
  return instructionsOf(stage, 'COPY').map((copy) => {
    const parts = copy.exec ?? copy.args.split(/\s+/);
    return { ...(copy.flags.from ? { from: copy.flags.from } : {}), sources: parts.slice(0, -1), destination: parts.at(-1)! };
  });
}
