// SQL pieces the dashboard's list queries share: which private incidents a viewer may see, and
// LIKE patterns built from what someone typed into a search box.

import { sql, type SQL } from 'drizzle-orm';
import { actionItems, incidents } from '../schema/index.js';

export function keyList(keys: readonly string[]): SQL {
  return sql.join(keys.map((k) => sql`${k}`), sql`, `);
}

/** Incidents that are public or among `visible` (private ones the viewer is a member of). */
export function onlyVisibleIncidents(visible: readonly string[]): SQL {
  return visible.length ? sql`(NOT ${incidents.private} OR ${incidents.key} IN (${keyList(visible)}))` : sql`NOT ${incidents.private}`;
}

/** Action items of private incidents the viewer is not a member of are left out. */
export function hiddenPrivateItems(visible: readonly string[]): SQL {
  const except = visible.length ? sql` AND ${incidents.key} NOT IN (${keyList(visible)})` : sql``;
  return sql`NOT EXISTS (SELECT 1 FROM ${incidents} WHERE ${incidents.key} = ${actionItems.incidentKey} AND ${incidents.private}${except})`;
}

/**
 * A "contains" pattern for ILIKE … ESCAPE '\': a `%` or `_` someone typed is matched literally,
 * not as a wildcard.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The number in "INC-12", "ACT-12" or "12", when the search text is a key. */
export function keyNumber(text: string, prefix: 'INC' | 'ACT'): number | undefined {
  const match = new RegExp(`^(?:${prefix}-)?(\\d{1,9})$`, 'i').exec(text.trim());
  return match ? Number(match[1]) : undefined;
}
