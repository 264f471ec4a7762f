// Splits command text into words the way people type them in Slack, GitHub comments and shells.

export interface Token {
  text: string;
  /** A quoted word is always literal: never a keyword, an option or an incident key. */
  quoted: boolean;
}

// Editors and phones turn straight quotes into curly ones, so all three open and close a word.
const QUOTES = '"\u201c\u201d';
const SPACE = /\s/;
// A Slack mention's label may hold spaces (`<@U1|Ada Lovelace>`); it must still be one word. The
// label stops at `<` so a stray `<@U1|x` cannot swallow a later, real mention.
const MENTION = /<@[A-Z0-9]+(?:\|[^<>]*)?>/y;

export function isQuote(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && QUOTES.includes(ch);
}

/** Where the unquoted word starting at `start` ends (exclusive). */
function wordEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    if (text.startsWith('<@', i)) {
      MENTION.lastIndex = i;
      if (MENTION.test(text)) {
        i = MENTION.lastIndex;
        continue;
      }
    }
    if (SPACE.test(text[i] ?? '')) break;
    i++;
  }
  return i;
}

/** Control characters mean nothing in a command; they become spaces so they still split words. */
export function withoutControls(text: string): string {
  return text.replace(/\p{Cc}/gu, ' ');
}

/**
 * Words of `input`. A word that starts with a quote runs to the next quote, or to the end when the
 * quote is never closed; a quote inside a word is an ordinary character. Empty words are dropped.
 */
export function tokenize(input: string): Token[] {
  const text = withoutControls(input);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (SPACE.test(ch ?? '')) {
      i++;
    } else if (isQuote(ch)) {
      let end = i + 1;
      while (end < text.length && !isQuote(text[end])) end++;
      const inner = text.slice(i + 1, end).trim();
      if (inner !== '') tokens.push({ text: inner, quoted: true });
      i = end + 1;
    } else {
      const end = wordEnd(text, i);
      tokens.push({ text: text.slice(i, end), quoted: false });
      i = end;
    }
  }
  return tokens;
}

/** Words of free text as the tokenizer would see them unquoted (mentions stay whole). */
export function rawWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (SPACE.test(text[i] ?? '')) {
      i++;
      continue;
    }
    const end = wordEnd(text, i);
    words.push(text.slice(i, end));
    i = end;
  }
  return words;
}

/** Free text from words: the user's words joined by single spaces. */
export function joinText(tokens: readonly Token[]): string {
  return tokens
    .map((t) => t.text)
    .join(' ')
    .split(/\s+/)
    .filter((w) => w !== '')
    .join(' ');
}
