/**
 * API access tokens: JWT, HS256 with JWT_SECRET, carrying the user id (sub) and session id (sid).
 * Policy: only HS256 is accepted (no `none`, no algorithm switching), the signature is compared in
 * constant time, and expiry is checked against the injected clock. A valid JWT is necessary but not
 * sufficient: the caller must still find the session row, so revocation is immediate.
 */
import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { createJWTSignatureMessage, encodeJWT, JWSRegisteredHeaders, JWTRegisteredClaims, parseJWT } from '@oslojs/jwt';

export type AccessTokenClaims = { userId: string; sessionId: string; expiresAt: Date };

const HEADER_JSON = JSON.stringify({ alg: 'HS256', typ: 'JWT' });
const ISSUER = 'ocore';

function sign(secret: string, message: Uint8Array): Uint8Array {
	return hmac(SHA256, new TextEncoder().encode(secret), message);
}

export function signAccessToken(secret: string, claims: { userId: string; sessionId: string }, now: Date, ttlSeconds: number): string {
	const iat = Math.floor(now.getTime() / 1000);
	const payloadJSON = JSON.stringify({ iss: ISSUER, sub: claims.userId, sid: claims.sessionId, iat, exp: iat + ttlSeconds });
	return encodeJWT(HEADER_JSON, payloadJSON, sign(secret, createJWTSignatureMessage(HEADER_JSON, payloadJSON)));
}

/** Returns null for anything that is not a valid, unexpired token of ours. Never throws. */
export function verifyAccessToken(secret: string, token: string, now: Date): AccessTokenClaims | null {
	let parsed: ReturnType<typeof parseJWT>;
	try {
		parsed = parseJWT(token);
	} catch {
		return null;
	}
	const [header, payload, signature, message] = parsed;
	try {
		const headers = new JWSRegisteredHeaders(header);
		if (!headers.hasAlgorithm() || headers.algorithm() !== 'HS256') return null;
		if (!constantTimeEqual(signature, sign(secret, message))) return null;
		const claims = new JWTRegisteredClaims(payload);
		if (!claims.hasExpiration() || claims.expiration().getTime() <= now.getTime()) return null;
		if (!claims.hasIssuer() || claims.issuer() !== ISSUER || !claims.hasSubject()) return null;
		const sid = (payload as { sid?: unknown }).sid;
		if (typeof sid !== 'string' || sid.length === 0) return null;
		return { userId: claims.subject(), sessionId: sid, expiresAt: claims.expiration() };
	} catch {
		return null;
	}
}
