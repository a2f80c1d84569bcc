/**
 * Printing for humans and scripts. Text from the server (key names, comments, GitHub lines) is
 * shown with control characters replaced, so nothing it contains can drive the user's terminal.
 */
/** Unicode's control characters (Cc: U+0000-U+001F and U+007F-U+009F). */
const CONTROL_CHARS = /\p{Cc}/gu;

export function safeText(value: unknown): string {
	return String(value ?? '').replace(CONTROL_CHARS, '?');
}

/** A plain left-aligned table with a header row, columns separated by two spaces. */
export function renderTable(headers: string[], rows: unknown[][]): string {
	const cells = [headers, ...rows.map((row) => row.map(safeText))];
	const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
	return cells
		.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
		.join('\n');
}

/** `2026-05-01T12:00:00.000Z` -> `2026-05-01` (UTC); null -> the fallback. */
export function shortDate(iso: string | null, fallback = 'never'): string {
	return iso ? iso.slice(0, 10) : fallback;
}
