// Slack sends command text with `&`, `<` and `>` escaped and, when the app is mentioned, with the
// mention first; the shared parser wants the words as typed.

const LEADING_MENTION = /^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>\s*/;

// `<https://x|label>` and `<mailto:a@b|a@b>`; mentions (`<@U…>`, `<#C…>`, `<!here>`) stay for the parser.
const LINK = /<(?![@#!])([^|>]+)(?:\|([^>]*))?>/g;

/** Slack's link markup back to what the person typed. */
export function unwrapLinks(text: string): string {
  return text.replace(LINK, (_m, url: string, label?: string) => label || url.replace(/^mailto:/, ''));
}

export function decodeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function commandText(raw: string | undefined, botUserId?: string): string {
  const decoded = decodeSlackText(unwrapLinks(raw ?? '')).trim();
  const mention = LEADING_MENTION.exec(decoded);
  // Only the app's own mention is chatter; `<@U123>` at the start of e.g. a role command is not.
  if (mention && (botUserId === undefined || mention[0].includes(botUserId))) return decoded.slice(mention[0].length);
  return decoded;
}
