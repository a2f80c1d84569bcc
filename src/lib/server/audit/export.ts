/**
 * Exporting an org's audit log as CSV or NDJSON, streamed: the rows are read a batch at a time
 * (newest first, by the list's own cursor) as the client reads, so memory stays bounded whatever the
 * log's size, and rows appended meanwhile are not mixed in (the cursor only goes to older rows).
 *
 * CSV policy (RFC 4180, CRLF): a cell holding a comma, a quote or a line break is quoted, quotes
 * doubled; a cell starting with = + - @ (or a tab or carriage return) is prefixed with a single quote,
 * so a spreadsheet shows it as text instead of running it as a formula (CSV injection). NDJSON
 * carries every field unchanged, one JSON object per line.
 */
import { AUDIT_PAGE_SIZE_MAX, type AuditExportFormat } from './schemas';
import type { AuditLogEntry, AuditPage } from './query';

/** Rows per read: the list's largest page. */
export const AUDIT_EXPORT_BATCH_SIZE = AUDIT_PAGE_SIZE_MAX;

export const AUDIT_EXPORT_CONTENT_TYPES: Record<AuditExportFormat, string> = {
	csv: 'text/csv; charset=utf-8',
	ndjson: 'application/x-ndjson; charset=utf-8'
};

export const CSV_COLUMNS = [
	'seq',
	'created_at',
	'actor_name',
	'actor_email',
	'actor_user_id',
	'action',
	'description',
	'target_type',
	'target_id',
	'ip_address',
	'user_agent',
	'metadata',
	'prev_hash',
	'hash'
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: neutralised against formula injection, then quoted when it needs to be. */
export function csvCell(value: string | number | null | undefined): string {
	if (value === null || value === undefined) return '';
	let text = String(value);
	if (FORMULA_START.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
	return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvLine(e: AuditLogEntry): string {
	const cells = [
		e.seq,
		e.createdAt.toISOString(),
		e.actorName,
		e.actorEmail,
		e.actorUserId,
		e.action,
		e.description,
		e.targetType,
		e.targetId,
		e.ipAddress,
		e.userAgent,
		JSON.stringify(e.metadata),
		e.prevHash,
		e.hash
	];
	return `${cells.map(csvCell).join(',')}\r\n`;
}

export function ndjsonLine(e: AuditLogEntry): string {
	const { id: _id, ...fields } = e;
	return `${JSON.stringify({ ...fields, createdAt: e.createdAt.toISOString() })}\n`;
}

/** `audit-log-acme-hosting-20260601-120000Z.csv` */
export function exportFilename(orgSlug: string, format: AuditExportFormat, now: Date): string {
	const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
	const slug = orgSlug.replace(/[^a-z0-9-]/gi, '') || 'org';
	return `audit-log-${slug}-${stamp}Z.${format}`;
}

/**
 * The export body. `first` is the first batch, already read (so refusals and bad filters become an
 * HTTP error before any byte is sent); `next(cursor)` reads the batch older than `cursor`. A failure
 * after the first byte can only cut the stream short: it is reported to `onError` and the stream
 * errors, so the client sees an incomplete download rather than a file that looks whole.
 */
export function auditExportStream(
	format: AuditExportFormat,
	first: AuditPage,
	next: (cursor: string) => Promise<AuditPage>,
	onError: (err: unknown) => void
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	const line = format === 'csv' ? csvLine : ndjsonLine;
	let page: AuditPage | null = first;
	let started = false;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				if (!started) {
					started = true;
					if (format === 'csv') controller.enqueue(encoder.encode(csvHeader()));
				}
				if (!page) {
					controller.close();
					return;
				}
				if (page.items.length > 0) controller.enqueue(encoder.encode(page.items.map(line).join('')));
				page = page.nextCursor ? await next(page.nextCursor) : null;
			} catch (err) {
				onError(err);
				controller.error(err);
			}
		}
	});
}
