/** The asciicast writer on its own: header, events, UTF-8 across chunks, the size cap with its marker, and the row. */
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionRecordings } from '../../../src/lib/server/db/schema';
import { databaseRecordingRows } from '../../../src/lib/server/gateway-sessions/recordings';
import { startRecording } from '../../../ssh-gateway/core/recording';
import { createTestApp, type TestApp } from '../../helpers/app';

let app: TestApp;
beforeAll(async () => {
	app = await createTestApp();
});
afterAll(() => app.close());

function target(kind: 'shell' | 'sftp' = 'shell') {
	return {
		sessionId: randomUUID(),
		orgId: randomUUID(),
		instanceId: randomUUID(),
		userId: randomUUID(),
		kind,
		pty: { term: 'xterm-256color', cols: 132, rows: 43 },
		command: null,
		startedAt: new Date('2026-01-02T03:04:05Z')
	} as const;
}

describe('asciicast recording', () => {
	it('lets output that waits for drain() go on when the recording finishes meanwhile', async () => {
		const t = target();
		const recorder = (await startRecording({ rows: databaseRecordingRows(app.db), dataDir: app.config.dataDir, mode: 'full', includeInput: false }, t))!;
		// Fill the file stream's buffer, as a command printing megabytes does.
		let i = 0;
		while (recorder.output(Buffer.alloc(64 * 1024, 0x41 + (i++ % 26)))) {
			if (i > 10_000) throw new Error('the recorder never pushed back');
		}
		const waiting = recorder.drain();
		const finished = recorder.finish(new Date());
		const outcome = await Promise.race([waiting.then(() => 'drained'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5000))]);
		expect(outcome).toBe('drained');
		await finished;
	});

	it('stops at the size cap with a marker event, and records the size in its row', async () => {
		const t = target();
		const recorder = (await startRecording({ rows: databaseRecordingRows(app.db), dataDir: app.config.dataDir, mode: 'full', includeInput: false, maxBytes: 400 }, t))!;
		for (let i = 0; i < 50; i++) recorder.output(Buffer.from(`line ${i}\r\n`));
		recorder.input(Buffer.from('not recorded: input is off'));
		await recorder.finish(new Date());
		const [row] = await app.db.select().from(sessionRecordings).where(eq(sessionRecordings.gatewaySessionId, t.sessionId));
		const text = readFileSync(row!.path!, 'utf8');
		const lines = text.trimEnd().split('\n');
		expect(JSON.parse(lines[0]!)).toEqual({
			version: 2,
			width: 132,
			height: 43,
			timestamp: Date.parse('2026-01-02T03:04:05Z') / 1000,
			env: { TERM: 'xterm-256color', SHELL: '/bin/sh' },
			title: 'shell'
		});
		const last = JSON.parse(lines.at(-1)!);
		expect(last.slice(1)).toEqual(['m', 'recording truncated: size limit reached']);
		expect(text).not.toContain('not recorded');
		expect(row!.sizeBytes).toBe(Buffer.byteLength(text));
		expect(row!.sizeBytes).toBeLessThan(500);
		expect(statSync(row!.path!).mode & 0o777).toBe(0o600);
	});

	it('keeps file transfers to a metadata row', async () => {
		const t = target('sftp');
		const recorder = (await startRecording({ rows: databaseRecordingRows(app.db), dataDir: app.config.dataDir, mode: 'full', includeInput: true }, t))!;
		recorder.output(Buffer.from('binary'));
		await recorder.finish(new Date());
		const [row] = await app.db.select().from(sessionRecordings).where(eq(sessionRecordings.gatewaySessionId, t.sessionId));
		expect(row).toMatchObject({ mode: 'metadata', path: null, includesInput: false, sizeBytes: 0 });
		expect(row!.endedAt).not.toBeNull();
	});

	it('records nothing when off', async () => {
		expect(await startRecording({ rows: databaseRecordingRows(app.db), dataDir: app.config.dataDir, mode: 'off', includeInput: true }, target())).toBeNull();
	});
});
