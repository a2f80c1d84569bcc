/**
 * Org and instance slugs share one pattern; unifying them changed nothing that is accepted. The two
 * rules they replaced are written out here once more, and every short string over a telling alphabet
 * (plus the length edges) is judged the same way by the old rule and the new schema.
 */
import { describe, expect, it } from 'vitest';
import { orgSlugSchema } from '../../../src/lib/server/orgs/schemas';
import { instanceSlugSchema } from '../../../src/lib/server/instances/schemas';
import { SLUG_PATTERN, slugFromName } from '../../../src/lib/slug';

const FORMER_ORG_RULE = (s: string) => /^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/.test(s);
const FORMER_INSTANCE_RULE = (s: string) => s.length >= 2 && s.length <= 63 && /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(s);

function* candidates(): Generator<string> {
	const alphabet = ['a', '7', '-', 'A', '_', '.'];
	let level = [''];
	for (let length = 1; length <= 4; length++) {
		level = level.flatMap((prefix) => alphabet.map((c) => prefix + c));
		yield* level;
	}
	for (const n of [61, 62, 63, 64, 65]) {
		yield 'a'.repeat(n);
		yield `a${'-'.repeat(n - 2)}a`;
		yield `a${'b'.repeat(n - 2)}-`;
	}
}

describe('slugs', () => {
	it('accept exactly what the former org and instance rules accepted', () => {
		for (const s of candidates()) {
			expect(orgSlugSchema.safeParse(s).success, `org ${s}`).toBe(FORMER_ORG_RULE(s));
			expect(instanceSlugSchema.safeParse(s).success, `instance ${s}`).toBe(FORMER_INSTANCE_RULE(s));
		}
	});

	it('say why a slug is refused', () => {
		expect(orgSlugSchema.safeParse('ab').error?.issues[0]?.message).toBe('Slug must be 3 to 63 characters');
		expect(instanceSlugSchema.safeParse('a').error?.issues[0]?.message).toBe('Slug must be 2 to 63 characters');
		expect(instanceSlugSchema.safeParse('-ab').error?.issues[0]?.message).toMatch(/^Slug may contain only lowercase letters/);
	});
});

describe('slugFromName (the create-organization form fills the slug in with it)', () => {
	it('makes a slug the server accepts from what people type as a name', () => {
		expect(slugFromName('Acme Hosting GmbH')).toBe('acme-hosting-gmbh');
		expect(slugFromName('  Café Ünïon & Co. ')).toBe('cafe-union-co');
		expect(slugFromName('--Odoo 17 / Prod--')).toBe('odoo-17-prod');
		expect(slugFromName('日本')).toBe('');
		const long = slugFromName(`${'a'.repeat(62)} b`);
		expect(long).toBe('a'.repeat(62));
		for (const name of ['Acme Hosting GmbH', 'x'.repeat(100), `${'a'.repeat(62)} b`, 'Ö-Ö-Ö', 'a1 b2 c3']) {
			const slug = slugFromName(name);
			expect(orgSlugSchema.safeParse(slug).success, `${name} -> ${slug}`).toBe(true);
			expect(slug).toMatch(SLUG_PATTERN);
		}
	});
});
