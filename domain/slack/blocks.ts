// The Block Kit pieces every Slack renderer builds the same way: a block is plain JSON, and a button
// carries its action ID and value, which the listeners read back when it is clicked.

export type Block = Record<string, unknown>;

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Block {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value, ...(style ? { style } : {}) };
}
