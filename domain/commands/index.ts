// The command grammar of DESIGN.md §3: one parser for Slack, GitHub comments and the CLI.

export * from './types.js';
export { formatCommand, MAX_COMMAND_LENGTH, parseCommand } from './parse.js';
export { helpText, SUBCOMMANDS, USAGE, type Subcommand } from './usage.js';
