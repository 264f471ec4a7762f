// Durations as people type them (`30m`, `2h`, `1d`; `45s` for tests) and as the policy file holds
// them (the same strings, or a number of seconds).

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 } as const;
const DURATION = /^([1-9][0-9]{0,6})([smhdw])$/;

/** Seconds, or undefined when the text is not a positive duration like `30m`. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim().toLowerCase());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
}

/** `5400` → `1h30m`; the largest two units that are not zero. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.round(totalSeconds));
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.slice(0, 2).join('');
}
