/**
 * TOTP against the RFC and against a second, independent implementation (otplib), and the shape of
 * recovery codes.
 */
import { describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { generateRecoveryCode, looksLikeRecoveryCode, normalizeRecoveryCode } from '../../../src/lib/server/mfa/recovery-codes';
import { decodeTotpSecret, encodeTotpSecret, generateTotpSecret, matchTotpStep, totpCodeAt, totpKeyUri, totpQrSvg, totpStepAt } from '../../../src/lib/server/mfa/totp';
import { secondFactorCodeSchema, totpCodeSchema } from '../../../src/lib/server/mfa/schemas';

describe('RFC 6238 appendix B (SHA-1, key "12345678901234567890", 8 digits)', () => {
	const key = new TextEncoder().encode('12345678901234567890');
	const vectors: [number, string][] = [
		[59, '94287082'],
		[1111111109, '07081804'],
		[1111111111, '14050471'],
		[1234567890, '89005924'],
		[2000000000, '69279037'],
		[20000000000, '65353130']
	];
	it.each(vectors)('T = %i s gives %s', (seconds, expected) => {
		expect(totpCodeAt(key, totpStepAt(new Date(seconds * 1000)), 8)).toBe(expected);
	});
});

describe('TOTP secrets and verification', () => {
	const now = new Date('2026-11-26T12:00:10Z');

	it('makes 20-byte secrets that round-trip through base32 without padding', () => {
		const secret = generateTotpSecret();
		expect(secret).toHaveLength(20);
		const base32 = encodeTotpSecret(secret);
		expect(base32).toMatch(/^[A-Z2-7]{32}$/);
		expect(decodeTotpSecret(base32)).toEqual(secret);
		expect(decodeTotpSecret(base32.toLowerCase())).toEqual(secret);
		expect(encodeTotpSecret(generateTotpSecret())).not.toBe(base32);
	});

	it('builds the otpauth URI authenticator apps read, and its QR code as SVG', async () => {
		const secret = generateTotpSecret();
		const uri = new URL(totpKeyUri(secret, 'ada@example.com'));
		expect(uri.protocol).toBe('otpauth:');
		expect(uri.host).toBe('totp');
		expect(decodeURIComponent(uri.pathname)).toBe('/oCore:ada@example.com');
		expect(uri.searchParams.get('secret')).toBe(encodeTotpSecret(secret));
		expect(uri.searchParams.get('issuer')).toBe('oCore');
		expect(uri.searchParams.get('digits')).toBe('6');
		expect(uri.searchParams.get('period')).toBe('30');
		const svg = await totpQrSvg(uri.toString());
		expect(svg).toMatch(/^<svg [^>]*viewBox/);
		expect(svg).not.toMatch(/<script/i);
	});

	it('accepts a code otplib computes for t, t-30s and t+30s, naming its step, and refuses t±60s', async () => {
		const secret = generateTotpSecret();
		const base32 = encodeTotpSecret(secret);
		const step = totpStepAt(now);
		const at = (offsetSeconds: number) => generate({ secret: base32, epoch: now.getTime() / 1000 + offsetSeconds });
		expect(matchTotpStep(secret, await at(0), now)).toBe(step);
		expect(matchTotpStep(secret, await at(-30), now)).toBe(step - 1);
		expect(matchTotpStep(secret, await at(30), now)).toBe(step + 1);
		for (const off of [-60, 60, -90, 90]) {
			const code = await at(off);
			// A far code may by chance equal a near one (1 in a million); then it is the near one's step.
			const sameAsNear = await Promise.all([-30, 0, 30].map(at)).then((near) => near.includes(code));
			if (!sameAsNear) expect(matchTotpStep(secret, code, now)).toBeNull();
		}
	});

	it('refuses a code of another secret, and malformed codes', async () => {
		const secret = generateTotpSecret();
		const other = await generate({ secret: encodeTotpSecret(generateTotpSecret()), epoch: now.getTime() / 1000 });
		const own = await generate({ secret: encodeTotpSecret(secret), epoch: now.getTime() / 1000 });
		if (other !== own) expect(matchTotpStep(secret, other, now)).toBeNull();
		expect(matchTotpStep(secret, '', now)).toBeNull();
		expect(matchTotpStep(secret, `${own}0`, now)).toBeNull();
	});

	it('reads typed codes forgivingly and refuses anything else', () => {
		expect(totpCodeSchema.parse(' 123 456 ')).toBe('123456');
		expect(totpCodeSchema.safeParse('12345').success).toBe(false);
		expect(totpCodeSchema.safeParse('abcdef').success).toBe(false);
		expect(secondFactorCodeSchema.parse('ABCD-1234')).toBe('abcd1234');
		expect(secondFactorCodeSchema.parse('654321')).toBe('654321');
		expect(secondFactorCodeSchema.safeParse('abc').success).toBe(false);
		expect(secondFactorCodeSchema.safeParse('abcd12345').success).toBe(false);
	});
});

describe('recovery codes', () => {
	it('are 8 characters of [a-z0-9], all different, and every character of the alphabet turns up', () => {
		const codes = Array.from({ length: 400 }, generateRecoveryCode);
		for (const code of codes) expect(code).toMatch(/^[a-z0-9]{8}$/);
		expect(new Set(codes).size).toBe(codes.length);
		const seen = new Set(codes.join(''));
		expect(seen.size).toBe(36);
	});

	it('are read with spaces, hyphens and capitals removed', () => {
		expect(normalizeRecoveryCode(' AB12-cd34 ')).toBe('ab12cd34');
		expect(looksLikeRecoveryCode('AB12 CD34')).toBe(true);
		expect(looksLikeRecoveryCode('ab12cd3')).toBe(false);
		expect(looksLikeRecoveryCode('ab12cd3!')).toBe(false);
	});
});
