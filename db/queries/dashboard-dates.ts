// Due dates are calendar dates; "today" for overdue is the UTC date of the instant a page or digest
// describes, so the board, the CSV and the digest agree on which items are late.

export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}
