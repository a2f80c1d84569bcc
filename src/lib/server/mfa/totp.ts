/**
 * TOTP (RFC 6238) for two-factor sign-in.
 *
 * Policy:
 * - The secret is 20 bytes (160 bits, the HMAC-SHA-1 block the RFC recommends) from the CSPRNG. It is
 *   shown once, in base32 without padding and as an `otpauth://` URI (issuer `oCore`, label the email),
 *   and stored only sealed (servers/secret-box) by the caller.
 * - SHA-1, 6 digits, 30-second steps: what every authenticator app (Google Authenticator, 1Password,
 *   Authy) does by default.
 * - One step of clock drift either side: steps t-1, t, t+1 are tried. @oslojs/otp only says yes or no,
 *   so each step is computed with generateHOTP and compared in constant time here, and the matching
 *   step is returned: the caller refuses a step at or below the last accepted one (no replay).
 * - Every candidate is always computed and compared, so the time taken does not say which step matched.
 */
import { timingSafeEqual } from 'node:crypto';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import QRCode from 'qrcode';

export const TOTP_ISSUER = 'oCore';
export const TOTP_SECRET_BYTES = 20;
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps of clock drift accepted on each side of the current one. */
export const TOTP_DRIFT_STEPS = 1;

export function generateTotpSecret(): Uint8Array {
	return crypto.getRandomValues(new Uint8Array(TOTP_SECRET_BYTES));
}

export function encodeTotpSecret(secret: Uint8Array): string {
	return encodeBase32UpperCaseNoPadding(secret);
}

export function decodeTotpSecret(base32: string): Uint8Array {
	return decodeBase32IgnorePadding(base32.toUpperCase());
}

export function totpKeyUri(secret: Uint8Array, email: string): string {
	return createTOTPKeyURI(TOTP_ISSUER, email, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The QR code of the key URI as an SVG document, drawn on the server (no script or image fetch). */
export function totpQrSvg(uri: string): Promise<string> {
	return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

export function totpStepAt(now: Date): number {
	return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

export function totpCodeAt(secret: Uint8Array, step: number, digits = TOTP_DIGITS): string {
	return generateHOTP(secret, BigInt(step), digits);
}

function sameCode(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	return left.length === right.length && timingSafeEqual(left, right);
}

/** The time step `code` belongs to (t-1, t or t+1 around `now`), or null when it matches none. */
export function matchTotpStep(secret: Uint8Array, code: string, now: Date): number | null {
	const current = totpStepAt(now);
	let matched: number | null = null;
	for (let step = current - TOTP_DRIFT_STEPS; step <= current + TOTP_DRIFT_STEPS; step++) {
		if (step < 0) continue;
		// No early exit: every step is computed and compared whatever the outcome.
		if (sameCode(totpCodeAt(secret, step), code) && matched === null) matched = step;
	}
	return matched;
}
