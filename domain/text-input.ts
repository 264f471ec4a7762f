// What people type enters Firebreak through here first. Postgres refuses NUL in text and jsonb,
// other control characters break Slack and GitHub rendering, and a lone surrogate is not valid
// UTF-8: such text must be cleaned before anything is allocated for it, or every retry fails the
// same way (a NUL in an issue title once burned fourteen incident numbers).

// C0 controls except tab and newline, DEL, and C1 controls. CR is handled before (CRLF → LF).
// Matching control characters is this file's job, hence the lint exceptions.
// eslint-disable-next-line no-control-regex
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// On one line, tabs and newlines become spaces instead.
// eslint-disable-next-line no-control-regex
const CONTROL_ONE_LINE = /[\u0000-\u001f\u007f-\u009f]/g;
const LINE_BREAKS = /[\t\n\u2028\u2029]+/g;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface NormaliseOptions {
  /** Keeps newlines and tabs (descriptions, notes); otherwise they become spaces (titles). */
  multiline?: boolean;
}

/**
 * The text with control characters removed (newline and tab kept where allowed), line endings
 * made `\n`, and lone surrogates replaced by U+FFFD. Never throws; what is left may be empty, which
 * the caller's own check refuses with its usual sentence.
 */
export function normaliseInput(text: string, options: NormaliseOptions = {}): string {
  const unified = text.replace(/\r\n?/g, '\n').replace(LONE_SURROGATE, '\uFFFD');
  if (options.multiline) return unified.replace(CONTROL_MULTILINE, '');
  return unified.replace(LINE_BREAKS, ' ').replace(CONTROL_ONE_LINE, '');
}

/** Whether the text would come out of normaliseInput unchanged. */
export function isNormalInput(text: string, options: NormaliseOptions = {}): boolean {
  return normaliseInput(text, options) === text;
}
