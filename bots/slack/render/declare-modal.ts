// The declaration form `/incident declare` opens when no title is given, and reading it back.

import { declarationProblem, MAX_TITLE_LENGTH } from '../../../domain/declaration.js';
import { isSeverity, SEVERITIES, type Severity } from '../../../domain/incident.js';
import type { Policy } from '../../../domain/policy/index.js';

export const DECLARE_CALLBACK_ID = 'incident_declare';
export const BLOCKS = { title: 'title', severity: 'severity', services: 'services', description: 'description', private: 'private' } as const;
const PRIVATE_VALUE = 'private';

export interface DeclareForm {
  title: string;
  severity: Severity;
  services: string[];
  description?: string;
  /** Where `/incident declare` was typed, to answer there once the incident exists. */
  channel?: string;
  /** The "Private" checkbox: a private channel, off every public path. */
  private?: boolean;
}

type Option = { text: { type: 'plain_text'; text: string }; value: string };
const option = (text: string, value = text): Option => ({ text: { type: 'plain_text', text }, value });

const privateOption = {
  text: { type: 'plain_text' as const, text: 'Private' },
  description: { type: 'plain_text' as const, text: 'A private channel with only the people it needs; no announcement, digest, public GitHub issue or status page' },
  value: PRIVATE_VALUE,
};

export function declareModal(policy: Policy, prefill: { severity?: Severity; services: string[]; channel?: string; private?: boolean }) {
  const severity = prefill.severity ?? 'SEV3';
  const severities = SEVERITIES.map((s) => option(`${s} — ${policy.severities[s].description}`.slice(0, 75), s));
  const services = Object.keys(policy.services).map((s) => option(s));
  const chosen = services.filter((o) => prefill.services.includes(o.value));
  return {
    type: 'modal' as const,
    callback_id: DECLARE_CALLBACK_ID,
    private_metadata: JSON.stringify({ channel: prefill.channel }),
    title: { type: 'plain_text' as const, text: 'Declare an incident' },
    submit: { type: 'plain_text' as const, text: 'Declare' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      input(BLOCKS.title, 'What is broken?', {
        type: 'plain_text_input',
        action_id: BLOCKS.title,
        max_length: MAX_TITLE_LENGTH,
        placeholder: { type: 'plain_text', text: 'Checkout returns 502' },
      }),
      input(BLOCKS.severity, 'Severity', {
        type: 'static_select',
        action_id: BLOCKS.severity,
        options: severities,
        initial_option: severities[SEVERITIES.indexOf(severity)],
      }),
      // Slack refuses a select without options, so a policy without services gets no field.
      ...(services.length
        ? [
            input(
              BLOCKS.services,
              'Affected services',
              { type: 'multi_static_select', action_id: BLOCKS.services, options: services, ...(chosen.length ? { initial_options: chosen } : {}) },
              true,
            ),
          ]
        : []),
      input(BLOCKS.description, 'What do you see?', { type: 'plain_text_input', action_id: BLOCKS.description, multiline: true }, true),
      input(BLOCKS.private, 'Visibility', { type: 'checkboxes', action_id: BLOCKS.private, options: [privateOption], ...(prefill.private ? { initial_options: [privateOption] } : {}) }, true),
    ],
  };
}

function input(blockId: string, label: string, element: Record<string, unknown>, optional = false) {
  return { type: 'input', block_id: blockId, label: { type: 'plain_text', text: label }, element, optional };
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_options?: { value: string }[] }>>;

export function readDeclareForm(view: { state: { values: StateValues }; private_metadata?: string }): DeclareForm {
  const field = (block: string) => view.state.values[block]?.[block];
  const severity = field(BLOCKS.severity)?.selected_option?.value;
  const description = field(BLOCKS.description)?.value?.trim();
  let channel: string | undefined;
  try {
    channel = (JSON.parse(view.private_metadata || '{}') as { channel?: string }).channel;
  } catch {
    channel = undefined;
  }
  return {
    title: field(BLOCKS.title)?.value?.trim() ?? '',
    severity: isSeverity(severity) ? severity : 'SEV3',
    services: (field(BLOCKS.services)?.selected_options ?? []).map((o) => o.value),
    ...(description ? { description } : {}),
    ...(channel ? { channel } : {}),
    ...(field(BLOCKS.private)?.selected_options?.some((o) => o.value === PRIVATE_VALUE) ? { private: true } : {}),
  };
}

/** Field errors for `response_action: 'errors'`, keyed by block, or undefined when the form is fine. */
export function declareFormErrors(form: DeclareForm, policy: Policy): Record<string, string> | undefined {
  const problem = declarationProblem(form, Object.keys(policy.services));
  if (!problem) return undefined;
  const block = /service/i.test(problem) ? BLOCKS.services : /severity/i.test(problem) ? BLOCKS.severity : BLOCKS.title;
  return { [block]: problem };
}
