/** The export's formats and its stream: cells made safe for spreadsheets, batches read only as the client reads. */
import { describe, expect, it } from 'vitest';
import { auditExportStream, csvCell, csvLine, exportFilename, ndjsonLine } from '../../../src/lib/server/audit/export';
import type { AuditLogEntry, AuditPage } from '../../../src/lib/server/audit/query';

function entry(seq: number, fields: Partial<AuditLogEntry> = {}): AuditLogEntry {
	return {
		id: 1000 + seq,
		seq,
		action: 'member.left',
		actorUserId: 'u1',
		actorEmail: 'a@x.test',
		actorName: 'Alice',
		description: 'Alice left the organization',
		targetType: 'user',
		targetId: 'u1',
		metadata: { role: 'Viewer' },
		ipAddress: '203.0.113.7',
		userAgent: 'curl/8',
		createdAt: new Date('2026-06-01T12:00:00Z'),
		prevHash: '0'.repeat(64),
		hash: 'f'.repeat(64),
		...fields
	};
}

describe('csvCell', () => {
	it('quotes what needs quoting and prefixes what a spreadsheet would run', () => {
		expect(csvCell('plain')).toBe('plain');
		expect(csvCell(null)).toBe('');
		expect(csvCell(42)).toBe('42');
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('two\nlines')).toBe('"two\nlines"');
		expect(csvCell('=1+1')).toBe("'=1+1");
		expect(csvCell('+1')).toBe("'+1");
		expect(csvCell('-2')).toBe("'-2");
		expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvCell('\t=1')).toBe("'\t=1");
		expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
		expect(csvCell('a=1')).toBe('a=1');
	});

	it('writes a row in column order, metadata as JSON, CRLF-terminated', () => {
		expect(csvLine(entry(3))).toBe(
			`3,2026-06-01T12:00:00.000Z,Alice,a@x.test,u1,member.left,Alice left the organization,user,u1,203.0.113.7,curl/8,"{""role"":""Viewer""}",${'0'.repeat(64)},${'f'.repeat(64)}\r\n`
		);
	});
});

describe('ndjsonLine', () => {
	it('is one JSON object on one line, every field but the internal id', () => {
		const line = ndjsonLine(entry(3, { description: 'multi\nline' }));
		expect(line.endsWith('\n')).toBe(true);
		expect(line.slice(0, -1)).not.toContain('\n');
		const parsed = JSON.parse(line);
		expect(parsed).toMatchObject({ seq: 3, description: 'multi\nline', createdAt: '2026-06-01T12:00:00.000Z', metadata: { role: 'Viewer' } });
		expect(parsed).not.toHaveProperty('id');
	});
});

describe('exportFilename', () => {
	it('names the org and the moment, with nothing a header could choke on', () => {
		expect(exportFilename('acme-hosting', 'csv', new Date('2026-06-01T12:34:56.789Z'))).toBe('audit-log-acme-hosting-20260601-123456Z.csv');
		expect(exportFilename('a"b;c', 'ndjson', new Date('2026-06-01T00:00:00Z'))).toBe('audit-log-abc-20260601-000000Z.ndjson');
	});
});

describe('auditExportStream', () => {
	/** Three batches of two rows, seq 6..1; records which cursors were asked for. */
	function pages() {
		const asked: string[] = [];
		const byCursor: Record<string, AuditPage> = {
			'5': { items: [entry(4), entry(3)], nextCursor: '3', prevCursor: '4' },
			'3': { items: [entry(2), entry(1)], nextCursor: null, prevCursor: '2' }
		};
		const first: AuditPage = { items: [entry(6), entry(5)], nextCursor: '5', prevCursor: null };
		const next = async (cursor: string) => {
			asked.push(cursor);
			return byCursor[cursor]!;
		};
		return { first, next, asked };
	}

	it('reads the next batch only when the client has read the last one', async () => {
		const { first, next, asked } = pages();
		const reader = auditExportStream('ndjson', first, next, () => {}).getReader();
		const decoder = new TextDecoder();
		const chunk = await reader.read();
		expect(decoder.decode(chunk.value).trimEnd().split('\n').map((l) => JSON.parse(l).seq)).toEqual([6, 5]);
		// The stream may have asked for one batch ahead, never for the whole log.
		expect(asked.length).toBeLessThanOrEqual(1);
		const rest: number[] = [];
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			rest.push(...decoder.decode(value).trimEnd().split('\n').map((l) => JSON.parse(l).seq));
		}
		expect(rest).toEqual([4, 3, 2, 1]);
		expect(asked).toEqual(['5', '3']);
	});

	it('starts a CSV with its header, even when no row matches', async () => {
		const text = await new Response(auditExportStream('csv', { items: [], nextCursor: null, prevCursor: null }, async () => {
			throw new Error('never asked');
		}, () => {})).text();
		expect(text).toBe('seq,created_at,actor_name,actor_email,actor_user_id,action,description,target_type,target_id,ip_address,user_agent,metadata,prev_hash,hash\r\n');
	});

	it('errors the stream (a cut-off download, not a whole-looking file) when a later batch fails', async () => {
		const { first } = pages();
		const failures: unknown[] = [];
		const stream = auditExportStream('csv', first, async () => {
			throw new Error('database went away');
		}, (err) => failures.push(err));
		await expect(new Response(stream).text()).rejects.toThrow('database went away');
		expect(failures).toHaveLength(1);
	});
});
