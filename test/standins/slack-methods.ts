// The Slack Web API methods the stand-in answers, over an in-memory workspace. A handler throws
// `new Error('<slack error code>')` to answer `{ ok: false, error }`, as Slack would.

export interface Message {
  ts: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export interface Channel {
  id: string;
  name: string;
  topic: string;
  purpose: string;
  archived: boolean;
  members: Set<string>;
  messages: Message[];
  pins: Set<string>;
  /** Created with is_private: only members see it, and nobody joins it uninvited. */
  private?: boolean;
}

export interface SlackState {
  channels: Map<string, Channel>;
  users: Map<string, { id: string; name: string; real_name?: string }>;
  seq: number;
  /** Microseconds of the last message ts: Slack's ts are wall-clock microseconds, unique per channel. */
  lastTsMicros: number;
  botUserId: string;
  /** Channel IDs are workspace-unique in Slack; a prefix per stand-in keeps test files apart. */
  idPrefix: string;
}

type Handler = (state: SlackState, args: Record<string, unknown>) => Record<string, unknown>;

const NAME = /^[a-z0-9_-]{1,80}$/;

function find(state: SlackState, ref: unknown): Channel {
  const key = String(ref ?? '');
  const channel = state.channels.get(key) ?? [...state.channels.values()].find((c) => c.name === key.replace(/^#/, ''));
  if (!channel) throw new Error('channel_not_found');
  return channel;
}

function writable(state: SlackState, ref: unknown, user = state.botUserId): Channel {
  const channel = find(state, ref);
  if (channel.archived) throw new Error('is_archived');
  if (!channel.members.has(user)) throw new Error('not_in_channel');
  return channel;
}

function nextTs(state: SlackState): string {
  state.lastTsMicros = Math.max(state.lastTsMicros + 1, Date.now() * 1000);
  return `${Math.floor(state.lastTsMicros / 1e6)}.${String(state.lastTsMicros % 1e6).padStart(6, '0')}`;
}

// Private channels made since 2021 keep C… IDs and is_channel, and are flagged is_group and is_private.
const view = (c: Channel) => ({ id: c.id, name: c.name, is_channel: true, is_group: c.private === true, is_private: c.private === true, is_archived: c.archived, topic: { value: c.topic }, purpose: { value: c.purpose } });

/** Posts as any member; the bot's chat.postMessage and a person typing both come through here. */
export function postAs(state: SlackState, ref: unknown, user: string, args: Record<string, unknown>): Message & { channel: string } {
  const channel = writable(state, ref, user);
  const message: Message = { ts: nextTs(state), user, text: String(args.text ?? ''), ...(args.blocks ? { blocks: args.blocks as unknown[] } : {}) };
  if (args.thread_ts) message.thread_ts = String(args.thread_ts);
  channel.messages.push(message);
  return { ...message, channel: channel.id };
}

export const handlers: Record<string, Handler> = {
  'auth.test': (s) => ({ ok: true, url: 'https://standin.slack.com/', team: 'Stand-in', team_id: 'T0TEST', user: 'firebreak', user_id: s.botUserId, bot_id: 'B0FIREBREAK' }),
  'conversations.create': (s, a) => {
    const name = String(a.name ?? '');
    if (!NAME.test(name)) throw new Error('invalid_name_specials');
    if ([...s.channels.values()].some((c) => c.name === name)) throw new Error('name_taken');
    s.seq++;
    const id = `C${s.idPrefix}${String(s.seq).padStart(5, '0')}`;
    const isPrivate = a.is_private === true || a.is_private === 'true';
    const channel: Channel = { id, name, topic: '', purpose: '', archived: false, members: new Set([s.botUserId]), messages: [], pins: new Set(), ...(isPrivate ? { private: true } : {}) };
    s.channels.set(id, channel);
    return { ok: true, channel: view(channel) };
  },
  'conversations.invite': (s, a) => {
    const channel = writable(s, a.channel);
    const users = String(a.users ?? '').split(',').filter(Boolean);
    if (users.includes(s.botUserId)) throw new Error('cant_invite_self');
    if (users.every((u) => channel.members.has(u))) throw new Error('already_in_channel');
    for (const u of users) channel.members.add(u);
    return { ok: true, channel: view(channel) };
  },
  'conversations.join': (s, a) => {
    const channel = find(s, a.channel);
    if (channel.archived) throw new Error('is_archived');
    // As Slack answers: a private channel is entered by invitation only.
    if (channel.private) throw new Error('method_not_supported_for_channel_type');
    channel.members.add(s.botUserId);
    return { ok: true, channel: view(channel) };
  },
  // A DM is an IM channel shared by the bot and one person; Slack answers the same ID every time.
  'conversations.open': (s, a) => {
    const users = String(a.users ?? '').split(',').filter(Boolean);
    if (users.length !== 1) throw new Error(users.length ? 'not_implemented' : 'users_list_not_supplied');
    const id = `D${s.idPrefix}${users[0]}`;
    if (!s.channels.has(id)) {
      s.channels.set(id, { id, name: id, topic: '', purpose: '', archived: false, members: new Set([s.botUserId, users[0]!]), messages: [], pins: new Set() });
    }
    return { ok: true, channel: { id, is_im: true, user: users[0] } };
  },
  'conversations.setTopic': (s, a) => {
    const channel = writable(s, a.channel);
    channel.topic = String(a.topic ?? '');
    return { ok: true, channel: view(channel) };
  },
  'conversations.setPurpose': (s, a) => {
    const channel = writable(s, a.channel);
    channel.purpose = String(a.purpose ?? '');
    return { ok: true, channel: view(channel) };
  },
  'conversations.archive': (s, a) => {
    const channel = find(s, a.channel);
    if (channel.archived) throw new Error('already_archived');
    channel.archived = true;
    return { ok: true };
  },
  'conversations.history': (s, a) => {
    const channel = find(s, a.channel);
    const latest = a.latest === undefined ? Infinity : Number(a.latest);
    const inclusive = a.inclusive === true || a.inclusive === 'true';
    const messages = channel.messages
      .filter((m) => !m.thread_ts && (inclusive ? Number(m.ts) <= latest : Number(m.ts) < latest))
      .reverse()
      .slice(0, Number(a.limit ?? 100));
    return { ok: true, messages, has_more: false };
  },
  'conversations.replies': (s, a) => {
    const channel = find(s, a.channel);
    const messages = channel.messages.filter((m) => m.ts === a.ts || m.thread_ts === a.ts);
    if (messages.length === 0) throw new Error('thread_not_found');
    return { ok: true, messages };
  },
  'chat.postMessage': (s, a) => {
    const posted = postAs(s, a.channel, s.botUserId, a);
    return { ok: true, channel: posted.channel, ts: posted.ts, message: posted };
  },
  'chat.update': (s, a) => {
    const channel = writable(s, a.channel);
    const message = channel.messages.find((m) => m.ts === a.ts);
    if (!message) throw new Error('message_not_found');
    if (message.user !== s.botUserId) throw new Error('cant_update_message');
    message.text = String(a.text ?? message.text);
    if (a.blocks) message.blocks = a.blocks as unknown[];
    return { ok: true, channel: channel.id, ts: message.ts, text: message.text };
  },
  'chat.postEphemeral': (s, a) => {
    writable(s, a.channel);
    return { ok: true, message_ts: nextTs(s) };
  },
  'views.open': (s, a) => {
    if (!a.trigger_id) throw new Error('invalid_trigger_id');
    s.seq++;
    return { ok: true, view: { ...(a.view as object), id: `V${String(s.seq).padStart(8, '0')}`, hash: `h${s.seq}` } };
  },
  'views.update': (_s, a) => ({ ok: true, view: { ...(a.view as object), id: a.view_id } }),
  // App Home: one published view per user, replaced on each publish.
  'views.publish': (s, a) => {
    if (!a.user_id) throw new Error('invalid_arguments');
    const view = a.view as { type?: string } | undefined;
    if (view?.type !== 'home') throw new Error('invalid_arguments');
    s.seq++;
    return { ok: true, view: { ...view, id: `V${String(s.seq).padStart(8, '0')}` } };
  },
  'pins.add': (s, a) => {
    const channel = writable(s, a.channel);
    const ts = String(a.timestamp ?? '');
    if (!channel.messages.some((m) => m.ts === ts)) throw new Error('message_not_found');
    if (channel.pins.has(ts)) throw new Error('already_pinned');
    channel.pins.add(ts);
    return { ok: true };
  },
  'users.info': (s, a) => {
    const user = s.users.get(String(a.user));
    if (!user) throw new Error('user_not_found');
    return { ok: true, user };
  },
  'users.lookupByEmail': (s, a) => {
    const user = [...s.users.values()].find((u) => `${u.name}@example.com` === a.email);
    if (!user) throw new Error('users_not_found');
    return { ok: true, user };
  },
};
