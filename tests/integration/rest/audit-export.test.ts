/**
 * GET /api/orgs/{orgId}/audit-logs/export over real HTTP against the built server: the whole log as
 * CSV or NDJSON, streamed in batches (the org holds more rows than one batch), the list's filters
 * applied, spreadsheet formulas neutralised, and the list's refusals (401, 404, 403, 400).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, AUDIT_EXPORT_BATCH_SIZE } from '../../../src/lib/server/audit/export';
import { uniqueEmail } from '../../helpers/app';
import { api, inviteAndAccept, signUpAndLogin } from '../../helpers/http';
import { uniqueSlug } from '../../helpers/orgs';

type Account = Awaited<ReturnType<typeof signUpAndLogin>>;
let owner: Account;
let developer: Account;
let viewer: Account;
let outsider: Account;
let orgId: string;
let slug: string;
/** The org's rows as the list API pages them, newest first. */
let listed: { seq: number; action: string; description: string }[];

/** A name and a user agent a spreadsheet would run as formulas. */
const FORMULA_NAME = '=HYPERLINK("http://evil.test","owner")';
const FORMULA_AGENT = '@SUM(1+1)';
const ROLE_CHANGES = 2 * Math.ceil(AUDIT_EXPORT_BATCH_SIZE / 2) + 10;

async function listAll(): Promise<typeof listed> {
	const rows: typeof listed = [];
	let cursor = '';
	for (;;) {
		const page = await api('GET', `/api/orgs/${orgId}/audit-logs?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { token: owner.accessToken });
		rows.push(...page.body.items);
		if (!page.body.nextCursor) return rows;
		cursor = page.body.nextCursor;
	}
}

beforeAll(async () => {
	[owner, developer, viewer, outsider] = await Promise.all([
		signUpAndLogin(uniqueEmail('exporter'), undefined, FORMULA_NAME),
		signUpAndLogin(uniqueEmail('developer'), undefined, 'Dev Eloper'),
		signUpAndLogin(uniqueEmail('viewer')),
		signUpAndLogin(uniqueEmail('outsider'))
	]);
	slug = uniqueSlug('export');
	orgId = (await api('POST', '/api/orgs', { token: owner.accessToken, body: { name: 'Export Co', slug } })).body.id;
	for (const [member, role] of [
		[developer, 'Developer'],
		[viewer, 'Viewer']
	] as const) {
		const added = await inviteAndAccept(orgId, owner.accessToken, { token: member.accessToken, email: member.user.email }, role);
		if (added.status !== 200) throw new Error(`setup: ${added.status} ${JSON.stringify(added.body)}`);
	}
	// More rows than one batch, so the export has to page.
	for (let i = 0; i < ROLE_CHANGES; i++) {
		const role = i % 2 === 0 ? 'Viewer' : 'Developer';
		const changed = await api('PATCH', `/api/orgs/${orgId}/members/${developer.user.id}`, {
			token: owner.accessToken,
			body: { role },
			headers: { 'user-agent': FORMULA_AGENT }
		});
		if (changed.status !== 200) throw new Error(`setup: ${changed.status} ${JSON.stringify(changed.body)}`);
	}
	listed = await listAll();
}, 300_000);

/** RFC 4180: quoted cells may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
			else if (c === '"') quoted = false;
			else cell += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') row.push(cell), (cell = '');
		else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
		else cell += c;
	}
	if (cell !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF');
	return rows;
}

const exportPath = (query: string) => `/api/orgs/${orgId}/audit-logs/export?${query}`;

describe('GET /api/orgs/{orgId}/audit-logs/export', () => {
	it('streams the whole log as CSV, newest first, as an attachment, formulas neutralised', async () => {
		expect(listed.length).toBeGreaterThan(AUDIT_EXPORT_BATCH_SIZE);
		const res = await api('GET', exportPath('format=csv'), { token: owner.accessToken });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="audit-log-${slug}-\\d{8}-\\d{6}Z\\.csv"$`));
		// Streamed: sent in chunks, with no length known up front.
		expect(res.headers.get('content-length')).toBeNull();
		expect(res.headers.get('transfer-encoding')).toBe('chunked');

		const [header, ...rows] = parseCsv(res.body);
		expect(header).toEqual([...CSV_COLUMNS]);
		const column = (name: (typeof CSV_COLUMNS)[number]) => header!.indexOf(name);
		expect(rows.map((r) => Number(r[column('seq')]))).toEqual(listed.map((r) => r.seq));
		expect(rows.map((r) => r[column('description')])).toEqual(listed.map((r) => (r.description.startsWith('=') ? `'${r.description}` : r.description)));

		const change = rows.find((r) => r[column('action')] === 'member.role_changed')!;
		expect(change[column('actor_name')]).toBe(`'${FORMULA_NAME}`);
		expect(change[column('description')]).toBe(`'${FORMULA_NAME} changed Dev Eloper's role from Viewer to Developer`);
		expect(change[column('user_agent')]).toBe(`'${FORMULA_AGENT}`);
		expect(JSON.parse(change[column('metadata')]!)).toMatchObject({ toRole: 'Developer', email: developer.user.email });
		expect(change[column('hash')]).toMatch(/^[0-9a-f]{64}$/);
		expect(rows.at(-1)![column('action')]).toBe('org.created');
	});

	it('streams NDJSON, one object per line, every stored field unchanged', async () => {
		const res = await api('GET', exportPath('format=ndjson'), { token: owner.accessToken });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
		expect(res.headers.get('content-disposition')).toMatch(/filename="audit-log-.+\.ndjson"$/);
		expect(res.body.endsWith('\n')).toBe(true);
		const lines = (res.body as string).trimEnd().split('\n').map((line) => JSON.parse(line));
		expect(lines.map((l) => l.seq)).toEqual(listed.map((r) => r.seq));
		expect(lines[0]).toMatchObject({
			action: 'member.role_changed',
			actorName: FORMULA_NAME,
			actorEmail: owner.user.email,
			userAgent: FORMULA_AGENT,
			description: `${FORMULA_NAME} changed Dev Eloper's role from Viewer to Developer`,
			createdAt: expect.stringMatching(/Z$/),
			hash: expect.stringMatching(/^[0-9a-f]{64}$/)
		});
	});

	it("applies the list's filters and ignores its paging parameters", async () => {
		const joined = await api('GET', exportPath(`format=ndjson&action=member.joined&limit=1&cursor=99999`), { token: owner.accessToken });
		const lines = (joined.body as string).trimEnd().split('\n').map((line) => JSON.parse(line));
		expect(lines.map((l) => l.actorEmail).sort()).toEqual([developer.user.email, viewer.user.email].sort());
		const byActor = await api('GET', exportPath(`format=csv&actor=${encodeURIComponent(developer.user.email.toUpperCase())}`), { token: owner.accessToken });
		expect(parseCsv(byActor.body).slice(1).map((r) => r[5])).toEqual(['member.joined']);
		const future = await api('GET', exportPath('format=csv&from=2999-01-01T00:00:00Z&actor='), { token: owner.accessToken });
		expect(future.status).toBe(200);
		expect(future.body).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
		const none = await api('GET', exportPath('format=ndjson&from=2999-01-01T00:00:00Z'), { token: owner.accessToken });
		expect([none.status, none.body]).toEqual([200, null]);
	});

	it('refuses a bad format or filter (400), a member without view:audit_logs (403), outsiders (404), anonymous callers (401)', async () => {
		expect(await api('GET', exportPath('format=xlsx'), { token: owner.accessToken })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'format must be csv or ndjson' }
		});
		expect(await api('GET', exportPath('format=csv&to=someday'), { token: owner.accessToken })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'to: to must be a date-time (ISO 8601)' }
		});
		for (const member of [viewer, developer]) {
			expect(await api('GET', exportPath('format=csv'), { token: member.accessToken })).toMatchObject({
				status: 403,
				body: { error: 'forbidden', message: 'Permission denied: view:audit_logs' }
			});
		}
		// An outsider learns nothing, not even which formats exist.
		for (const query of ['format=csv', 'format=xlsx']) {
			expect(await api('GET', exportPath(query), { token: outsider.accessToken })).toMatchObject({
				status: 404,
				body: { error: 'not_found', message: 'Organization not found' }
			});
		}
		expect(await api('GET', exportPath('format=csv'))).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
	});
});
