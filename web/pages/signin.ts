// The sign-in page: the shared token form and/or "Sign in with Slack", whichever are configured.

import { html } from '../render/html.js';
import { page } from '../render/layout.js';

export interface SignInOptions {
  token: boolean;
  slack: boolean;
  /** Where to go after signing in (a local path). */
  next: string;
  message?: string;
}

export function signInPage(o: SignInOptions): string {
  const body = html`<div class="signin"><h1>Sign in to the Firebreak dashboard</h1>
${o.message ? html`<p class="error" role="alert">${o.message}</p>` : ''}
${o.slack ? html`<p><a class="badge" href="/auth/slack/start?next=${encodeURIComponent(o.next)}">Sign in with Slack</a></p>` : ''}
${
  o.token
    ? html`<form method="post" action="/signin"><input type="hidden" name="next" value="${o.next}">
  <label for="token">Dashboard token</label><input id="token" name="token" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button></form>`
    : ''
}</div>`;
  return page({ title: 'Sign in' }, body);
}

/** Only local paths: never `//host` or a scheme, so sign-in cannot redirect elsewhere. */
export function safeNext(value: string | null | undefined): string {
  return value && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) && value.length <= 2000 ? value : '/';
}
