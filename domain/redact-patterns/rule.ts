// What every detector is: a rule that rewrites one stretch of text, writing a placeholder through a
// marker for each sensitive span it finds.

/**
 * Writes the placeholder for one sensitive span: `kind` names the detector, `value` is the span
 * itself, so a redactor scoped to an incident can give equal values equal tokens (redact.ts).
 */
export type Marker = (kind: string, value: string) => string;

export interface Rule {
  readonly kind: string;
  apply(text: string, mark: Marker): string;
}

export const placeholder = (kind: string): string => `[REDACTED:${kind}]`;
/** The marker of an unscoped redactor: the kind alone. */
export const plainMarker: Marker = (kind) => placeholder(kind);

/** Returns the replacement, or undefined to leave this match as it was. */
type Replacer = (match: string, groups: readonly string[], mark: Marker) => string | undefined;

export function regexRule(kind: string, pattern: RegExp, replacer?: Replacer): Rule {
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  const re = new RegExp(pattern.source, flags);
  // `(?:…)|` matches the empty string, so exec tells how many capture groups the pattern has.
  const groupCount = (new RegExp(`${pattern.source}|`, flags.replace('g', '')).exec('') ?? ['']).length - 1;
  return {
    kind,
    apply(text: string, mark: Marker): string {
      return text.replace(re, (match: string, ...rest: unknown[]) => {
        // Lookaround-only patterns can match nothing; replacing that would insert tags forever.
        if (match === '') return match;
        if (!replacer) return mark(kind, match);
        const groups = rest.slice(0, groupCount).map((g) => (typeof g === 'string' ? g : ''));
        return replacer(match, groups, mark) ?? match;
      });
    },
  };
}
