// CSV for spreadsheets (RFC 4180 quoting, CRLF rows). A cell that a spreadsheet would read as a
// formula (starting with = + - @, or a tab or carriage return) gets a leading apostrophe, so an
// action item's text can never run as a formula in the manager's spreadsheet.

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
