import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from '../../../src/lib/server/auth/jwt';

const SECRET = 'a-test-secret-of-more-than-32-characters!';
const now = new Date('2026-01-01T00:00:00Z');
const claims = { userId: '4a1f0c9e-1111-4222-8333-444455556666', sessionId: 'abcdefghijkmnpqrstuvwxyz' };

function b64(json: object) {
	return encodeBase64urlNoPadding(new TextEncoder().encode(JSON.stringify(json)));
}

describe('access tokens (JWT HS256)', () => {
	it('round-trip the user and session ids until they expire', () => {
		const token = signAccessToken(SECRET, claims, now, 3600);
		expect(token.split('.')).toHaveLength(3);
		const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
		expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
		expect(verifyAccessToken(SECRET, token, new Date(now.getTime() + 3599_000))).toEqual({
			...claims,
			expiresAt: new Date(now.getTime() + 3600_000)
		});
		expect(verifyAccessToken(SECRET, token, new Date(now.getTime() + 3600_000))).toBeNull();
	});

	it('refuse another secret, a tampered payload, alg none and garbage', () => {
		const token = signAccessToken(SECRET, claims, now, 3600);
		const [h, p, s] = token.split('.') as [string, string, string];
		expect(verifyAccessToken('another-secret-of-more-than-32-characters', token, now)).toBeNull();
		const forgedPayload = b64({ iss: 'ocore', sub: 'someone-else', sid: claims.sessionId, iat: 0, exp: 9999999999 });
		expect(verifyAccessToken(SECRET, `${h}.${forgedPayload}.${s}`, now)).toBeNull();
		expect(verifyAccessToken(SECRET, `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`, now)).toBeNull();
		expect(verifyAccessToken(SECRET, `${b64({ alg: 'HS512', typ: 'JWT' })}.${p}.${s}`, now)).toBeNull();
		for (const junk of ['', 'a.b', 'a.b.c', 'x'.repeat(5000), `${h}.${p}`]) expect(verifyAccessToken(SECRET, junk, now)).toBeNull();
	});
});
