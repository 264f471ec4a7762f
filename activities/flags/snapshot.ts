import { onOff } from '../../domain/flags.js';
import type { SnapshotEntry } from '../../workflows/incident/messages.js';

/** One line per flag, its latest change first-class: "on; turned on by alice 4m before the start". */
export function snapshotText(flags: SnapshotEntry[], at: string): string {
  if (flags.length === 0) return '';
  const lines = flags.map((f) => {
    const name = `${f.ref.flag} (${f.ref.provider} ${f.ref.project}/${f.ref.environment})`;
    if (f.error) return `• ${name}: could not be read (${f.error})`;
    const last = f.recent.at(-1);
    const change = last ? `; last turned ${onOff(last.enabled)} by ${last.by} ${relative(last.at, at)}${last.note ? ` (${last.note})` : ''}` : '; no recent changes';
    return `• ${name}: ${onOff(f.enabled ?? false)}${change}`;
  });
  return ['Flags at declaration:', ...lines].join('\n');
}

function relative(at: string, reference: string): string {
  const seconds = Math.round((Date.parse(reference) - Date.parse(at)) / 1000);
  const abs = Math.abs(seconds);
  const amount = abs < 120 ? `${abs}s` : abs < 7200 ? `${Math.round(abs / 60)}m` : abs < 172800 ? `${Math.round(abs / 3600)}h` : `${Math.round(abs / 86400)}d`;
  return seconds >= 0 ? `${amount} before` : `${amount} after`;
}
