import { describe, expect, it } from 'vitest';
import { formatCommand, helpText } from '../../../domain/commands/index.js';
import { parsed, refused } from '../../helpers/grammar.js';

const command = parsed;
const error = refused;

describe('statuspage command', () => {
  it('opens with components and their states, the rest is the public text', () => {
    expect(command('statuspage open component:Checkout status:partial component:search status:Degraded Card payments fail for some').command).toEqual({
      kind: 'statuspage',
      verb: 'open',
      components: [
        { component: 'Checkout', state: 'partial' },
        { component: 'search', state: 'degraded' },
      ],
      text: 'Card payments fail for some',
    });
  });

  it('takes an incident key and updates without components', () => {
    const r = command('INC-7 statuspage update We are rolling out a fix.');
    expect(r.incident).toBe('INC-7');
    expect(r.command).toEqual({ kind: 'statuspage', verb: 'update', components: [], text: 'We are rolling out a fix.' });
    expect(command('/incident statuspage INC-7 resolve All good now').incident).toBe('INC-7');
  });

  it('keeps quoted words literal, so text may say component:x', () => {
    expect(command('statuspage update component:Checkout status:major "component:Checkout" is down').command).toMatchObject({
      components: [{ component: 'Checkout', state: 'major' }],
      text: 'component:Checkout is down',
    });
  });

  it.each([
    ['statuspage', /needs open, update or resolve first/],
    ['statuspage publish hello', /needs open, update or resolve first/],
    ['statuspage open component:Checkout status:broken Down', /`status:broken` is not a component state; use one of operational, degraded, partial, major, maintenance/],
    ['statuspage open component:Checkout Down', /`component:Checkout` needs its state right after it/],
    ['statuspage open status:major Down', /must follow the component it is about/],
    ['statuspage open component:<script> status:major Down', /is not a component name/],
    ['statuspage open component: status:major Down', /`component:` needs a value/],
    ['statuspage open component:Checkout status:major', /needs the text customers will read/],
    ['statuspage open Everything is down', /needs at least one `component:NAME status:STATE`/],
    ['statuspage resolve component:Checkout status:operational Fixed', /leave out component: and status:/],
    ['statuspage update component:A status:major component:a status:minor x', /`status:minor` is not a component state/],
    ['statuspage update component:A status:major component:a status:partial x', /appears twice/],
  ])('refuses %s with a usage error', (text, message) => {
    const r = error(text);
    expect(r.error).toMatch(message);
    expect(r.usage).toContain('statuspage open|update [component:NAME status:STATE]… TEXT…');
  });

  it('refuses public text over 2000 characters', () => {
    expect(error(`statuspage update ${'x '.repeat(1100)}`).error).toMatch(/at most 2000 characters/);
  });

  it('is in the help and formats back to the same command', () => {
    expect(helpText()).toContain('statuspage resolve TEXT…');
    expect(helpText('statuspage')).toContain('maintenance');
    const r = command('statuspage open component:Checkout status:partial "status:ok" & <b>');
    expect(command(formatCommand(r.command, 'INC-2'))).toEqual({ ...r, incident: 'INC-2' });
  });
});
