// Text people wrote, made inert for a terminal (the `firebreak` CLI). A title that carries an escape
// sequence could otherwise clear the screen, rewrite the line above, set the window title or hide
// itself, and bidirectional controls could show the characters in another order than they are
// ("Trojan Source"). Input is normalised on the way in (text-input.ts); this is the output side, for
// anything stored before that or arriving by another path.

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), DCS/SOS/PM/APC (ESC P|X|^|_ … ESC \), then
// any other escape (ESC, intermediate bytes, final byte); the 8-bit CSI (U+009B) likewise.
// Matching control characters is this file's job, hence the lint exceptions.
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[ -/]*[0-~]?/g;
// C0 controls except tab and newline, DEL and C1 controls; CR too, which returns to the line start.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidirectional embeddings, overrides and isolates.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/** The text without escape sequences, control characters (newline and tab kept) or bidi controls. */
export function neutraliseForTerminal(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '').replace(BIDI, '');
}
