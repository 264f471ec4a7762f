// Per-person and service-wide limits on commands and declarations (the policy's `limits:`), checked
// before anything is started: a refused request starts no workflow, writes no row and takes no
// number, and the person is told why in one sentence.
//
// The counts live in this process. Each HTTP process admits up to the limits on its own, so with P
// processes behind a load balancer the service-wide ceiling is P times the configured one (per
// person too, unless the balancer keeps a person on one process). We chose this over a shared
// Postgres count: it costs nothing on Slack's 3-second path, is exact within a process (Node runs
// one check at a time), and needs no lock; a shared count would cost a locked write per command
// and would still let a burst through unless every check took that lock. The CLI runs one
// invocation per process, so these limits do not bound it; its users hold Temporal credentials.

import type { Actor } from '../../domain/incident.js';
import { findPersonByActor, type Policy } from '../../domain/policy/index.js';
import { limitsSection, type LimitsPolicy, type RateLimit } from '../../domain/policy/limits.js';

export type LimitedKind = 'command' | 'declaration';

/** Timestamps (ms) of admitted requests inside the window, oldest first, per key. */
class SlidingWindow {
  private readonly byKey = new Map<string, number[]>();
  private sweptAt = 0;

  constructor(private readonly windowMs: number) {}

  count(key: string, now: number): number {
    const times = this.byKey.get(key);
    if (!times) return 0;
    while (times.length > 0 && times[0]! <= now - this.windowMs) times.shift();
    if (times.length === 0) this.byKey.delete(key);
    return times.length;
  }

  add(key: string, now: number): void {
    const times = this.byKey.get(key);
    if (times) times.push(now);
    else this.byKey.set(key, [now]);
    // People who stopped sending would otherwise stay in the map forever.
    if (now - this.sweptAt > this.windowMs) {
      this.sweptAt = now;
      for (const k of [...this.byKey.keys()]) this.count(k, now);
    }
  }
}

const EVERYONE = '*';

class Limit {
  private readonly window: SlidingWindow;

  constructor(
    readonly rate: RateLimit,
    private readonly refusal: (scope: 'person' | 'total', rate: RateLimit) => string,
  ) {
    this.window = new SlidingWindow(rate.windowSeconds * 1000);
  }

  /** A refusal when the person or everyone is at the limit, without counting anything. */
  peek(person: string, now: number): string | undefined {
    if (this.window.count(person, now) >= this.rate.perPerson) return this.refusal('person', this.rate);
    if (this.window.count(EVERYONE, now) >= this.rate.total) return this.refusal('total', this.rate);
    return undefined;
  }

  /** A refusal when the person or everyone is at the limit; otherwise counts the request. */
  admit(person: string, now: number): string | undefined {
    const refused = this.peek(person, now);
    if (refused) return refused;
    this.window.add(person, now);
    this.window.add(EVERYONE, now);
    return undefined;
  }
}

/** `minute`, `5 minutes`, `90 seconds`: the window as it reads after "the last" or "every". */
function span(windowSeconds: number): string {
  return windowSeconds === 60 ? 'minute' : windowSeconds % 60 === 0 ? `${windowSeconds / 60} minutes` : `${windowSeconds} seconds`;
}

export class RequestLimits {
  private readonly commands: Limit;
  private readonly declarations: Limit;

  constructor(limits: LimitsPolicy) {
    this.commands = new Limit(limits.commands, (scope, r) =>
      scope === 'person'
        ? `You have sent ${r.perPerson} commands in the last ${span(r.windowSeconds)}, the most one person may; wait a little and send it again.`
        : `Firebreak is taking no more than ${r.total} commands every ${span(r.windowSeconds)} from everyone together and has reached that; wait a little and send it again.`,
    );
    this.declarations = new Limit(limits.declarations, (scope, r) =>
      scope === 'person'
        ? `You have declared ${r.perPerson} incidents in the last ${span(r.windowSeconds)}, the most one person may; add to an open incident with \`note\`, or wait a little to declare another.`
        : `Firebreak is taking no more than ${r.total} declarations every ${span(r.windowSeconds)} and has reached that; add to an open incident with \`note\`, or wait a little to declare.`,
    );
  }

  /**
   * Counts one request of the person's against its limits, or says why it is refused. A
   * declaration is a command too, so it counts against both; a refused request counts against
   * neither, so a person who stops is admitted again once the window has passed.
   */
  admit(person: string, kind: LimitedKind, now = Date.now()): string | undefined {
    if (kind === 'declaration') {
      // Checked first so a declaration past its limit does not use up a command.
      const refused = this.declarations.peek(person, now);
      if (refused) return refused;
    }
    const refused = this.commands.admit(person, now);
    if (refused) return refused;
    return kind === 'declaration' ? this.declarations.admit(person, now) : undefined;
  }
}

/** Who is counted: the policy's person when the actor is one of theirs (any front-end), else source:id. */
export function limitKey(policy: Policy | undefined, actor: Actor): string {
  const person = policy ? findPersonByActor(policy, actor) : undefined;
  return person ? `person:${person.name}` : `${actor.source}:${actor.id}`;
}

const byPolicy = new WeakMap<Policy, RequestLimits>();
let withoutPolicy: RequestLimits | undefined;

/** The process's limits for this policy (the defaults when the front-end has none). */
export function requestLimits(policy: Policy | undefined): RequestLimits {
  if (!policy) return (withoutPolicy ??= new RequestLimits(limitsSection.parse({})));
  let limits = byPolicy.get(policy);
  if (!limits) byPolicy.set(policy, (limits = new RequestLimits(policy.limits)));
  return limits;
}

/** The refusal sentence for this request, or undefined once it has been counted. */
export function admitRequest(policy: Policy | undefined, actor: Actor, kind: LimitedKind): string | undefined {
  return requestLimits(policy).admit(limitKey(policy, actor), kind);
}
