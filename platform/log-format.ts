// Logs a person reads on a terminal: one line per record, `12:03:04.567 INFO  Firebreak is up
// url=http://…`, coloured when the terminal takes colour. Machines get pino's JSON unchanged
// (FIREBREAK_LOG_FORMAT=json, or stdout not a terminal). The record arrives here already redacted:
// this only lays out what pino wrote.

import type { DestinationStream } from 'pino';
import type { LogFormat } from './config/index.js';

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS: Record<number, string> = { 10: '90', 20: '90', 30: '32', 40: '33', 50: '31', 60: '1;31' };
// What every record carries and the line shows otherwise (or not at all).
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'err', 'error', 'v']);

interface ErrorRecord {
  type?: string;
  message?: string;
  stack?: string;
}

/** pretty on a terminal, JSON elsewhere, unless FIREBREAK_LOG_FORMAT chose. */
export function resolveLogFormat(chosen: LogFormat | undefined, stream: { isTTY?: boolean } = process.stdout): LogFormat {
  return chosen ?? (stream.isTTY ? 'pretty' : 'json');
}

/** Colour on a terminal unless NO_COLOR is set (no-color.org). */
export function wantsColour(stream: { isTTY?: boolean } = process.stdout, env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

/** A pino destination that writes each JSON record as one readable line to `out`. */
export function prettyDestination(out: { write(text: string): unknown }, colour: boolean): DestinationStream {
  return { write: (chunk: string) => void out.write(formatRecord(chunk, colour)) };
}

/** One JSON line from pino as one readable line (plus the stack of a logged error, indented). */
export function formatRecord(chunk: string, colour: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(chunk) as Record<string, unknown>;
  } catch {
    return chunk.endsWith('\n') ? chunk : `${chunk}\n`;
  }
  const paint = (code: string, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const level = typeof record.level === 'number' ? record.level : 30;
  const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const fields = Object.entries(record)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) => `${paint('36', key)}=${fieldValue(value)}`);
  const err = (record.err ?? record.error) as ErrorRecord | undefined;
  const message = visible(String(record.msg ?? ''));
  const errorText = err && typeof err === 'object' && err.message && !message.includes(visible(err.message)) ? `${message ? ': ' : ''}${visible(err.message)}` : '';
  const line = [paint('2', time), paint(LEVEL_COLOURS[level] ?? '0', name), `${message}${errorText}`, ...fields].filter((part) => part !== '').join(' ');
  // The stack below the line, for the person debugging; its first line repeats the message.
  const stack = err && typeof err === 'object' && typeof err.stack === 'string' && level >= 40 ? err.stack.split('\n').slice(1).map((l) => `    ${visible(l.trim())}`) : [];
  return `${[line, ...stack].join('\n')}\n`;
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w.:/@+-]+$/.test(value) ? value : visible(JSON.stringify(value));
  return visible(JSON.stringify(value) ?? String(value));
}

/**
 * Control characters written as escapes, so one record stays one line and text people typed (a
 * title in a message) cannot move the cursor or recolour the terminal.
 */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
