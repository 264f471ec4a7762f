// Every state-changing action a person can take, and which of them the policy may open to guests.

export const ACTIONS = [
  'declare',
  'note',
  'pin',
  'unpin',
  'statusUpdate',
  'editDetails',
  'mitigate',
  'acknowledge',
  'severity',
  'assignRole',
  'resolve',
  'reopen',
  'requestAccess',
  'approveAccess',
  'denyAccess',
  'revokeAccess',
  'extendAccess',
  'createSandbox',
  'extendSandbox',
  'destroySandbox',
  'rollbackFlag',
  'restoreFlag',
  'keepFlag',
  'emergencyBypass',
  'setPostmortemOwner',
  'submitPostmortem',
  'approvePostmortem',
  'addActionItem',
  'updateActionItem',
  'publicUpdate',
  'page',
  'addTask',
  'changeTask',
  'waiveTask',
  'addChecklist',
  'invite',
  'makePrivate',
  'makePublic',
  'replayWebhooks',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * What a policy may let guests do. Nothing here grants, approves, resolves, destroys, takes a role
 * or sends credentials: those stay with people the policy knows, whatever `guests.may` says.
 */
export const GUEST_GRANTABLE = ['declare', 'note', 'pin', 'statusUpdate', 'editDetails', 'mitigate', 'severity'] as const satisfies readonly Action[];
export type GuestAction = (typeof GUEST_GRANTABLE)[number];

/** The safe default: a stranger at 3 a.m. can raise the alarm and add what they saw. */
export const DEFAULT_GUEST_ACTIONS: readonly GuestAction[] = ['declare', 'note', 'pin'];

/** Decisions worth an audit row even when refused: they grant, approve, end, take or destroy. */
const UNPRIVILEGED: ReadonlySet<Action> = new Set<Action>(['declare', 'note', 'pin', 'statusUpdate', 'editDetails', 'mitigate', 'addActionItem', 'addTask', 'changeTask', 'addChecklist']);

export function isPrivileged(action: Action): boolean {
  return !UNPRIVILEGED.has(action);
}

export const ACTION_TEXT: Record<Action, string> = {
  declare: 'declare incidents',
  note: 'add notes',
  pin: 'pin messages to the timeline',
  unpin: 'remove pinned messages',
  statusUpdate: 'post status updates',
  editDetails: 'edit incident details',
  mitigate: 'mark incidents mitigated',
  acknowledge: 'acknowledge incidents',
  severity: 'change severities',
  assignRole: 'assign incident roles',
  resolve: 'resolve incidents',
  reopen: 'reopen incidents',
  requestAccess: 'request access',
  approveAccess: 'approve access requests',
  denyAccess: 'deny access requests',
  revokeAccess: 'revoke access',
  extendAccess: 'extend access',
  createSandbox: 'create sandboxes',
  extendSandbox: 'extend sandboxes',
  destroySandbox: 'destroy sandboxes',
  rollbackFlag: 'roll back feature flags',
  restoreFlag: 'restore feature flags',
  keepFlag: 'keep rolled-back feature flags',
  emergencyBypass: 'use the emergency bypass',
  setPostmortemOwner: 'change postmortem owners',
  submitPostmortem: 'submit postmortems',
  approvePostmortem: 'approve postmortems',
  addActionItem: 'add action items',
  updateActionItem: 'change action items',
  publicUpdate: 'post public status page updates',
  page: 'page people (PagerDuty or the webhook pager)',
  addTask: 'add incident tasks',
  changeTask: 'close, reopen or assign incident tasks',
  waiveTask: 'waive required incident tasks',
  addChecklist: 'add checklists to incidents',
  invite: 'add people to private incidents',
  makePrivate: 'make incidents private',
  makePublic: 'make private incidents public',
  replayWebhooks: 'replay outbound webhooks',
};
