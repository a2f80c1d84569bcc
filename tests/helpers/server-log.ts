/**
 * Reading the shared test server's log (LOG_REQUESTS is on). A log line is written after the response
 * is sent, so a test that wants "everything up to now" requests a unique path and polls until its line
 * is there: every earlier request's line is then in the file too.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { api } from './http';
import { waitFor } from './poll';

export function serverLogLength(): number {
	return readFileSync(inject('serverLogFile'), 'utf8').length;
}

/** The server's log from `offset` (default: the start) up to a marker request made now. */
export async function serverLogUpToNow(offset = 0): Promise<string> {
	const marker = `/api/log-marker-${randomBytes(4).toString('hex')}`;
	await api('GET', marker);
	return waitFor(() => {
		const log = readFileSync(inject('serverLogFile'), 'utf8').slice(offset);
		return log.includes(marker) ? log : null;
	});
}
