// The one place text people wrote is made inert for GitHub. GitHub reads more than Markdown into
// an issue: `@user` and `@org/team` notify, `#12`, `owner/repo#12` and `GH-12` link (and put a
// cross-reference on the other issue), `![x](url)` and `<img>` fetch a remote image for every reader,
// `<!-- … -->` hides text (and would let a title carry a Firebreak marker), and `&#64;` is an `@`
// once rendered.
//
// Each of those is broken with a zero-width joiner (U+200D) after the character that starts it:
// `@\u200Dorg/team`, `#\u200D12`, `GH\u200D-12`, `!\u200D[x](url)`, `<\u200Dimg …>`, `&\u200D#64;`.
// Readers see exactly what was typed, in prose, tables, headings and code alike; backticks would
// also work in prose but change what people see, and break out of, or show up inside, the code
// blocks and table cells user text is put in. What is left is never a mention, a reference, an
// image, an HTML element or a comment. Only the characters that could start one are touched, so a
// `postgres://role@host` or `psql < dump.sql` in a playbook still copies cleanly.
//
// Redaction placeholders (`[REDACTED:email#1a2b3c4d]`) are left whole, so one value keeps one token
// on every path; their `#` follows a word character, which GitHub never reads as a reference.
// Redact first, then neutralise: a joiner inside an email would hide it from the redactor.

const ZWJ = '\u200D';

const INERT = new RegExp(
  [
    // A redaction placeholder, kept as it is.
    String.raw`(\[REDACTED:[A-Za-z0-9_.-]{0,63}[A-Za-z0-9_](?:#[0-9a-f]{8})?\])`,
    // `@` where a mention could start: before a login, not after a word character (GitHub's rule).
    String.raw`(?<![A-Za-z0-9_])(@)(?=[A-Za-z0-9])`,
    // `#` before a digit: `#12`, `owner/repo#12`, `owner#12`.
    String.raw`(#)(?=\d)`,
    // `GH-12`, in any case.
    String.raw`(?<![A-Za-z0-9_])(gh)(?=-\d)`,
    // `![` starts every image: inline, reference and shortcut.
    String.raw`(!)(?=\[)`,
    // `<` that could start a tag, a comment, a declaration or an autolink.
    String.raw`(<)(?=[A-Za-z!/?])`,
    // `&` that could start an entity such as `&#64;` or `&commat;`.
    String.raw`(&)(?=#|[A-Za-z][A-Za-z0-9]*;)`,
  ].join('|'),
  'gi',
);

/** Text a person wrote, made safe to put anywhere in a GitHub issue title, body or comment. */
export function neutraliseGitHubText(text: string): string {
  return text.replace(INERT, (match: string, placeholder: string | undefined) => (placeholder ? match : `${match}${ZWJ}`));
}
