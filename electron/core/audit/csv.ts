// RFC 4180 CSV: fields with a comma, a quote or a line break are quoted, quotes doubled, CRLF rows.

export type CsvCell = string | number | boolean | null | undefined;

export function csvField(value: CsvCell): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + (rows.length ? '\r\n' : '');
}
