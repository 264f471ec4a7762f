// The one place text people wrote is made safe for Slack. Slack reads `<…>` as markup: `<!channel>`,
// `<!here>`, `<@U…>`, `<#C…>`, `<!subteam^…>` and `<url|label>` links. Escaping its three control
// characters leaves nothing for it to read as markup, and Slack shows `&lt;` as `<` again, so people
// see what was typed. Firebreak's own markup (the commander's `<@U…>`, `<#channel>`, dashboard
// links) is composed around already-escaped text, never escaped itself.

/** `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, as Slack asks for every text field it renders. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
