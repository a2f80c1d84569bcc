/**
 * A minimal reader for the SSH wire format (RFC 4251 §5: uint32 and length-prefixed strings), and the
 * parsers of the FIDO hardware-key public blobs built on it.
 *
 * Hand-written on purpose: no maintained JavaScript library parses `sk-ssh-ed25519@openssh.com` or
 * `sk-ecdsa-sha2-nistp256@openssh.com` public keys (ssh2 and sshpk stop at the classic types). It is
 * kept small and strict: every length is checked against the bytes left before anything is sliced, a
 * blob must be consumed exactly (no trailing bytes), and any violation throws WireFormatError, which
 * the caller turns into one "truncated or corrupted" refusal. Layouts follow OpenSSH's PROTOCOL.u2f.
 */
import { createPublicKey } from 'node:crypto';

export class WireFormatError extends Error {
	constructor(detail: string) {
		super(detail);
		this.name = 'WireFormatError';
	}
}

export class WireReader {
	private offset = 0;

	constructor(private readonly buffer: Buffer) {}

	get remainingBytes(): number {
		return this.buffer.length - this.offset;
	}

	readUint32(): number {
		if (this.remainingBytes < 4) throw new WireFormatError('truncated length field');
		const value = this.buffer.readUInt32BE(this.offset);
		this.offset += 4;
		return value;
	}

	/** A length-prefixed byte string; the length is checked before slicing, so huge prefixes are harmless. */
	readString(): Buffer {
		const length = this.readUint32();
		if (length > this.remainingBytes) throw new WireFormatError('string runs past the end of the blob');
		const value = this.buffer.subarray(this.offset, this.offset + length);
		this.offset += length;
		return value;
	}

	/** A string that must be printable ASCII (key type and curve names), returned as text. */
	readName(maxLength = 64): string {
		const bytes = this.readString();
		if (bytes.length === 0 || bytes.length > maxLength) throw new WireFormatError('bad name length');
		for (const byte of bytes) if (byte < 0x21 || byte > 0x7e) throw new WireFormatError('name is not printable ASCII');
		return bytes.toString('latin1');
	}

	expectEnd(): void {
		if (this.remainingBytes !== 0) throw new WireFormatError('trailing bytes after the key');
	}
}

/** The type name at the start of any key blob, or a WireFormatError. */
export function readBlobType(blob: Buffer): string {
	return new WireReader(blob).readName();
}

const NIST_CURVES = {
	nistp256: { jwkCurve: 'P-256', coordinateBytes: 32, bits: 256 },
	nistp384: { jwkCurve: 'P-384', coordinateBytes: 48, bits: 384 }
} as const;

export type NistCurveName = keyof typeof NIST_CURVES;

/**
 * Checks an uncompressed EC point (0x04 || X || Y) lies on the curve. The curve arithmetic is left to
 * node:crypto (OpenSSL): importing it as a JWK refuses points that are not on the curve.
 */
export function assertPointOnCurve(curve: NistCurveName, point: Buffer): number {
	const { jwkCurve, coordinateBytes, bits } = NIST_CURVES[curve];
	if (point.length !== 1 + 2 * coordinateBytes || point[0] !== 0x04) {
		throw new WireFormatError('EC point is not an uncompressed point of the curve size');
	}
	const x = point.subarray(1, 1 + coordinateBytes).toString('base64url');
	const y = point.subarray(1 + coordinateBytes).toString('base64url');
	try {
		createPublicKey({ key: { kty: 'EC', crv: jwkCurve, x, y }, format: 'jwk' });
	} catch {
		throw new WireFormatError('EC point is not on the curve');
	}
	return bits;
}

/** The FIDO application (e.g. "ssh:"): present, non-empty, no NUL (OpenSSH reads it as a C string). */
function readApplication(reader: WireReader): void {
	const application = reader.readString();
	if (application.length === 0 || application.length > 1024 || application.includes(0)) {
		throw new WireFormatError('bad FIDO application string');
	}
}

export const SK_ED25519 = 'sk-ssh-ed25519@openssh.com';
export const SK_ECDSA_P256 = 'sk-ecdsa-sha2-nistp256@openssh.com';

/** string type, string key(32), string application. Returns the key size in bits. */
export function parseSkEd25519Blob(blob: Buffer): number {
	const reader = new WireReader(blob);
	if (reader.readName() !== SK_ED25519) throw new WireFormatError('type mismatch');
	if (reader.readString().length !== 32) throw new WireFormatError('Ed25519 key must be 32 bytes');
	readApplication(reader);
	reader.expectEnd();
	return 256;
}

/** string type, string "nistp256", string Q (65-byte uncompressed point), string application. */
export function parseSkEcdsaP256Blob(blob: Buffer): number {
	const reader = new WireReader(blob);
	if (reader.readName() !== SK_ECDSA_P256) throw new WireFormatError('type mismatch');
	if (reader.readName() !== 'nistp256') throw new WireFormatError('curve must be nistp256');
	const bits = assertPointOnCurve('nistp256', reader.readString());
	readApplication(reader);
	reader.expectEnd();
	return bits;
}

/**
 * The bit length of a positive SSH mpint, which must be minimally encoded (no superfluous leading
 * zero, high bit clear): OpenSSH fingerprints the canonical encoding, so only canonical blobs have a
 * fingerprint equal to SHA-256 of the bytes received.
 */
export function positiveMpintBits(mpint: Buffer): number {
	const first = mpint[0];
	if (first === undefined) throw new WireFormatError('empty mpint');
	if (first & 0x80) throw new WireFormatError('negative mpint');
	let start = 0;
	if (first === 0) {
		const second = mpint[1];
		if (second === undefined || (second & 0x80) === 0) throw new WireFormatError('mpint has a superfluous leading zero');
		start = 1;
	}
	const lead = mpint[start]!;
	return (mpint.length - start - 1) * 8 + (32 - Math.clz32(lead));
}
