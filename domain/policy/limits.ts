// The `limits:` section: how many declarations and commands one person, and everyone together,
// may send in a window. A flood from one account (a script, a stolen token, a stuck bot) must not
// fill the worker with incidents; people past a limit get a sentence saying so, never silence.

import { z } from 'zod';
import { duration, positiveInt } from './values.js';

const rate = (perPerson: number, total: number) =>
  z
    .strictObject({
      perPerson: positiveInt().default(perPerson),
      total: positiveInt().default(total),
      window: duration().default(60),
    })
    .transform(({ window, ...s }) => ({ ...s, windowSeconds: window }));

/**
 * Defaults: a person may declare 5 incidents a minute and send 30 commands a minute; the whole
 * service takes 30 declarations and 600 commands a minute. A real outage needs one declaration per
 * incident and a few commands per person per minute, so these are far above honest use.
 */
export const limitsSection = z.strictObject({
  declarations: rate(5, 30).prefault({}),
  commands: rate(30, 600).prefault({}),
});

export type LimitsPolicy = z.output<typeof limitsSection>;
export type RateLimit = LimitsPolicy['declarations'];
