/**
 * Parsing one pasted OpenSSH public key line: `<type> <base64 blob> [comment]`.
 *
 * Policy: accepted types are Ed25519, ECDSA P-256/P-384, RSA of at least the configured size (and at
 * most 16384 bits, OpenSSH's own limit), and the FIDO types sk-ssh-ed25519 / sk-ecdsa-sha2-nistp256.
 * Everything else is refused with an AppError('invalid_request') whose message names the field and
 * says what to do. A private key pasted by mistake is recognised before anything else and refused
 * without echoing, storing or logging any of it. A blob must be canonical and consumed exactly, so
 * the fingerprint (SHA-256 of the blob, as `ssh-keygen -lf` prints it) identifies one key in one way.
 *
 * Classic types are parsed by ssh2's key parser (a maintained library), then checked to re-encode to
 * the very bytes received; the sk-* types, which no maintained library parses, go through the small
 * hand-written reader in wire.ts. Curve points are checked by node:crypto.
 */
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import { AppError } from '../errors';
import {
	assertPointOnCurve,
	parseSkEcdsaP256Blob,
	parseSkEd25519Blob,
	positiveMpintBits,
	readBlobType,
	SK_ECDSA_P256,
	SK_ED25519,
	WireFormatError,
	WireReader
} from './wire';

export const MAX_PUBLIC_KEY_BYTES = 16 * 1024;
export const MAX_RSA_BITS = 16384;

export const ACCEPTED_KEY_TYPES = [
	'ssh-ed25519',
	'ecdsa-sha2-nistp256',
	'ecdsa-sha2-nistp384',
	'ssh-rsa',
	SK_ED25519,
	SK_ECDSA_P256
] as const;
export type AcceptedKeyType = (typeof ACCEPTED_KEY_TYPES)[number];

export const KEY_MESSAGES = {
	empty: 'publicKey: Public key is required',
	tooLarge: 'publicKey: The key is larger than 16 KiB',
	privateKey: 'publicKey: This is a private key; paste the public key (the .pub file) instead',
	severalKeys: 'publicKey: Paste one key at a time; this field holds several keys',
	notOpenSsh: 'publicKey: Not an OpenSSH public key; paste one line like "ssh-ed25519 AAAA... you@host" (the .pub file)',
	missingData: 'publicKey: The key data is missing after the key type',
	badBase64: 'publicKey: The key data is not valid base64',
	corrupted: 'publicKey: The key data is truncated or corrupted',
	controlChars: 'publicKey: The comment must not contain control characters',
	dsa: 'publicKey: DSA keys are no longer accepted; use Ed25519',
	typeMismatch: (declared: string) => `publicKey: The key data does not hold a ${declared} key (the type and the data disagree)`,
	unsupported: (type: string, minRsaBits: number) =>
		`publicKey: Key type ${type} is not accepted; use one of ${acceptedList(minRsaBits)}`,
	rsaTooSmall: (bits: number, minRsaBits: number) => `publicKey: RSA key is ${bits} bits; at least ${minRsaBits} bits are required`,
	rsaTooLarge: (bits: number) => `publicKey: RSA key is ${bits} bits; at most ${MAX_RSA_BITS} bits are accepted`
} as const;

function acceptedList(minRsaBits: number): string {
	return ACCEPTED_KEY_TYPES.map((t) => (t === 'ssh-rsa' ? `ssh-rsa (${minRsaBits} bits or more)` : t)).join(', ');
}

export type ParsedPublicKey = {
	type: AcceptedKeyType;
	bits: number;
	/** `SHA256:<base64 without padding>` of the blob, exactly as `ssh-keygen -lf` prints it. */
	fingerprint: string;
	/** Canonical `<type> <base64>`, without the comment. */
	publicKey: string;
	comment: string | null;
	blob: Buffer;
};

export type ParseOptions = { minRsaBits: number };

/** Any armoured private key, a PuTTY key file, or OpenSSH's private format ("openssh-key-v1" base64). */
const PRIVATE_KEY_PATTERN =
	/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PuTTY-User-Key-File-|BEGIN SSH2 ENCRYPTED PRIVATE KEY|b3BlbnNzaC1rZXktdjE/;
/** Something shaped like a key type name: `ssh-...`, `ecdsa-...`, `sk-...@openssh.com`, `x509v3-...`. */
const TYPE_TOKEN = /^[a-z][a-z0-9.+_-]*-[a-z0-9.+_-]*(?:@[a-z0-9.-]+)?$/i;
/** A key type OpenSSH knows, seen again after the data: a second key on the same line. */
const SECOND_KEY_TYPE =
	/^(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(?:-cert-v0[01]@openssh\.com)?$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Control characters (Unicode Cc) other than tab and line feed, which a pasted key may carry. */
const CONTROL_CHARS = /(?![\t\n])\p{Cc}/u;

function refuse(message: string): never {
	throw new AppError('invalid_request', message);
}

export function fingerprintOf(blob: Buffer): string {
	return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Strict base64: the alphabet, whole quanta, and canonical padding bits (re-encodes to itself). */
function decodeBase64(text: string): Buffer {
	if (!BASE64.test(text) || text.length % 4 !== 0) refuse(KEY_MESSAGES.badBase64);
	const bytes = Buffer.from(text, 'base64');
	if (bytes.toString('base64') !== text) refuse(KEY_MESSAGES.badBase64);
	return bytes;
}

/** Whether text holds a private key (pasted by mistake): such text is never stored, logged or echoed. */
export function looksLikePrivateKey(text: string): boolean {
	return PRIVATE_KEY_PATTERN.test(text);
}

export function parsePublicKey(input: string, options: ParseOptions): ParsedPublicKey {
	// Checked first, over the whole input, so no later message or log line can carry any of it.
	if (PRIVATE_KEY_PATTERN.test(input)) refuse(KEY_MESSAGES.privateKey);
	if (Buffer.byteLength(input, 'utf8') > MAX_PUBLIC_KEY_BYTES) refuse(KEY_MESSAGES.tooLarge);
	const lines = input.split(/\r\n|\r|\n/).map((line) => line.trim()).filter((line) => line !== '');
	if (lines.length === 0) refuse(KEY_MESSAGES.empty);
	// RFC 4716 and PEM public keys span lines; call them what they are rather than "several keys".
	if (/^-{4,5} ?BEGIN /.test(lines[0]!)) refuse(KEY_MESSAGES.notOpenSsh);
	if (lines.length > 1) refuse(KEY_MESSAGES.severalKeys);

	const [type, data, ...rest] = lines[0]!.split(/[ \t]+/);
	if (!type || !TYPE_TOKEN.test(type) || type.length > 64) refuse(KEY_MESSAGES.notOpenSsh);
	const accepted = (ACCEPTED_KEY_TYPES as readonly string[]).includes(type);
	if (!accepted && type !== 'ssh-dss') refuse(KEY_MESSAGES.unsupported(type, options.minRsaBits));
	if (data === undefined) refuse(KEY_MESSAGES.missingData);
	if (rest.some((token) => SECOND_KEY_TYPE.test(token))) refuse(KEY_MESSAGES.severalKeys);
	const comment = rest.length > 0 ? rest.join(' ') : null;
	if (comment !== null && CONTROL_CHARS.test(comment)) refuse(KEY_MESSAGES.controlChars);

	const blob = decodeBase64(data);
	let innerType: string;
	try {
		innerType = readBlobType(blob);
	} catch {
		refuse(KEY_MESSAGES.corrupted);
	}
	if (innerType !== type) refuse(KEY_MESSAGES.typeMismatch(type));

	const bits = blobBits(type, data, blob, options);
	return { type: type as AcceptedKeyType, bits, fingerprint: fingerprintOf(blob), publicKey: `${type} ${data}`, comment, blob };
}

/** Validates the blob of a known type completely and returns the key size in bits. */
function blobBits(type: string, data: string, blob: Buffer, options: ParseOptions): number {
	try {
		switch (type) {
			case SK_ED25519:
				return parseSkEd25519Blob(blob);
			case SK_ECDSA_P256:
				return parseSkEcdsaP256Blob(blob);
			default:
				return classicBits(type, data, blob, options);
		}
	} catch (err) {
		if (err instanceof WireFormatError) refuse(KEY_MESSAGES.corrupted);
		throw err;
	}
}

function classicBits(type: string, data: string, blob: Buffer, options: ParseOptions): number {
	const parsed = ssh2.utils.parseKey(`${type} ${data}`);
	if (parsed instanceof Error || Array.isArray(parsed)) refuse(KEY_MESSAGES.corrupted);
	// ssh2 tolerates trailing bytes and does not check an ECDSA curve name against the type: requiring
	// its re-encoding to equal the received blob closes both.
	if (parsed.type !== type || !parsed.getPublicSSH().equals(blob)) refuse(KEY_MESSAGES.corrupted);

	const reader = new WireReader(blob);
	reader.readName();
	switch (type) {
		case 'ssh-dss':
			return refuse(KEY_MESSAGES.dsa);
		case 'ssh-ed25519':
			return 256;
		case 'ecdsa-sha2-nistp256':
		case 'ecdsa-sha2-nistp384': {
			const curve = type.slice('ecdsa-sha2-'.length) as 'nistp256' | 'nistp384';
			if (reader.readName() !== curve) throw new WireFormatError('curve does not match the type');
			const bits = assertPointOnCurve(curve, reader.readString());
			reader.expectEnd();
			return bits;
		}
		case 'ssh-rsa': {
			const exponentBits = positiveMpintBits(reader.readString());
			const bits = positiveMpintBits(reader.readString());
			reader.expectEnd();
			if (exponentBits < 2) throw new WireFormatError('RSA exponent must be at least 3');
			if (bits < options.minRsaBits) refuse(KEY_MESSAGES.rsaTooSmall(bits, options.minRsaBits));
			if (bits > MAX_RSA_BITS) refuse(KEY_MESSAGES.rsaTooLarge(bits));
			return bits;
		}
		default:
			return refuse(KEY_MESSAGES.unsupported(type, options.minRsaBits));
	}
}
