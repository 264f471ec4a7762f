// Usage lines in the grammar's own notation (DESIGN.md §3), short enough to read in a Slack reply.

export const SUBCOMMANDS = [
  'help',
  'declare',
  'status',
  'list',
  'sev',
  'role',
  'update',
  'note',
  'mitigated',
  'resolve',
  'reopen',
  'access',
  'sandbox',
  'flag',
  'postmortem',
  'action',
  'actions',
  'statuspage',
  'page',
  'invite',
  'private',
  'public',
  'task',
  'tasks',
  'rules',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** Other words people type for a subcommand. */
export const ALIASES: Readonly<Record<string, Subcommand>> = { severity: 'sev' };

export const USAGE: Readonly<Record<Subcommand, string>> = {
  help: 'help [COMMAND]  — show these commands, or one command in detail',
  declare: 'declare [TITLE…] [sev:1-4] [service:NAME]…  — declare an incident (Slack opens a form without a title)',
  status: 'status [INC-N]  — show where an incident stands',
  list: 'list [open|all] [sev:N] [service:NAME]…  — list incidents (open ones by default)',
  sev: 'sev N [REASON…]  — change severity (1 = worst)',
  role: 'role NAME @user  — give someone a role: commander, comms, scribe or one the policy defines',
  update: 'update TEXT…  — post a status update',
  note: 'note TEXT…  — add a note to the timeline',
  mitigated: 'mitigated [TEXT…]  — the impact is mitigated',
  resolve: 'resolve [TEXT…]  — resolve the incident',
  reopen: 'reopen [TEXT…]  — reopen a resolved incident',
  access: [
    'access CAP[,CAP…] DURATION REASON…  — ask for temporary access, e.g. access read-logs 1h checking 502s',
    'access approve|deny|revoke GR-N [REASON…]  — decide on or end a grant',
    'access extend GR-N DURATION [REASON…]  — keep a grant longer',
  ].join('\n'),
  sandbox: [
    'sandbox create [release:REF] [seed:N] [ttl:DURATION] [source:NAME]  — create a sandbox',
    'sandbox extend SBX-N DURATION  — keep a sandbox longer',
    'sandbox destroy|recreate SBX-N  — tear a sandbox down or build it again',
  ].join('\n'),
  flag: [
    'flag rollback FLAG[,FLAG…] [env:ENV] [REASON…]  — roll feature flags back (several: all or none)',
    'flag restore FLAG  — undo a rollback',
    'flag list  — show the flags this incident rolled back',
  ].join('\n'),
  postmortem: [
    'postmortem [owner:@user]  — start the postmortem',
    'postmortem publish|approve  — publish or approve the postmortem',
  ].join('\n'),
  action: [
    'action add TEXT… owner:@user due:YYYY-MM-DD [priority:P1|P2|P3]  — add an action item',
    'action done|reopen ACT-N  — close or reopen an action item',
    'action assign ACT-N @user  — give an action item to someone',
  ].join('\n'),
  actions: 'actions [mine|overdue|team:NAME|owner:@user]  — list action items',
  statuspage: [
    'statuspage open|update [component:NAME status:STATE]… TEXT…  — tell customers on the public status page (STATE: operational, degraded, partial, major, maintenance)',
    'statuspage resolve TEXT…  — resolve the public incident (components back to operational)',
  ].join('\n'),
  task: [
    'task add TEXT… [@owner]  — add a task to the incident',
    'task done|reopen TASK-N  — close or reopen a task',
    'task assign TASK-N @user  — give a task to someone',
    'task waive TASK-N REASON…  — the commander lets a required task go (audited)',
  ].join('\n'),
  tasks: 'tasks [INC-N]  — list the incident\'s tasks',
  invite: 'invite @user  — add someone to a private incident (members only)',
  private: 'private [INC-N]  — make the incident private: off announcements, the digest, public GitHub issues and the status page',
  public: 'public [INC-N]  — make a private incident public again (the commander only)',
  rules: 'rules test RULE [INC-N]  — show what an automation rule would do for the incident now, without doing it',
  page: 'page SERVICE|@team [REASON…]  — page the on-call of a service, or of every paged service a team owns (PagerDuty, the webhook pager)',
};

const FOOTER = [
  'Outside an incident channel or issue, name the incident first: INC-3 sev 1.',
  'Durations look like 30m, 2h, 1d.',
];

/** The canonical subcommand for a word people typed, in any letter case. */
export function subcommandOf(word: string): Subcommand | undefined {
  const lower = word.toLowerCase();
  // hasOwn, not `in`: words like `constructor` must not reach Object.prototype.
  if (Object.hasOwn(ALIASES, lower)) return ALIASES[lower];
  return (SUBCOMMANDS as readonly string[]).includes(lower) ? (lower as Subcommand) : undefined;
}

/** Every usage line, or one subcommand's; an unknown topic gets every line. */
export function helpText(topic?: string): string {
  const sub = topic === undefined ? undefined : subcommandOf(topic.trim());
  if (sub !== undefined && sub !== 'help') return USAGE[sub];
  return [...SUBCOMMANDS.map((s) => USAGE[s]), ...FOOTER].join('\n');
}
