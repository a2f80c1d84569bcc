/**
 * SSH key fixtures: keys made by the real `ssh-keygen` at test time, what `ssh-keygen -lf` says about
 * them, real FIDO (sk-*) public keys, and a deterministic generator of corrupted key blobs for fuzzing.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let keyDir: string | undefined;
let counter = 0;

function dir(): string {
	keyDir ??= mkdtempSync(path.join(tmpdir(), 'ocore-keys-'));
	return keyDir;
}

export type GeneratedKey = {
	/** The .pub file's single line, without the newline. */
	line: string;
	pubFile: string;
	privateFile: string;
	/** What `ssh-keygen -lf` printed: bits and `SHA256:...`. */
	keygenBits: number;
	keygenFingerprint: string;
};

/** `ssh-keygen -lf <file>` -> bits and fingerprint, exactly as printed. */
export function keygenFingerprint(file: string): { bits: number; fingerprint: string } {
	const out = execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).trim();
	const [bits, fingerprint] = out.split(' ');
	return { bits: Number(bits), fingerprint: fingerprint! };
}

/** A fresh key pair from the real ssh-keygen (`type`: ed25519, ecdsa, rsa, dsa), no passphrase. */
export function generateKey(type: string, bits?: number, comment = 'tester@workstation', extraArgs: string[] = []): GeneratedKey {
	counter += 1;
	const privateFile = path.join(dir(), `${type}-${bits ?? 'default'}-${process.pid}-${counter}`);
	const args = ['-q', '-t', type, '-N', '', '-C', comment, '-f', privateFile, ...extraArgs];
	if (bits !== undefined) args.push('-b', String(bits));
	execFileSync('ssh-keygen', args, { stdio: 'pipe' });
	const pubFile = `${privateFile}.pub`;
	const { bits: keygenBits, fingerprint } = keygenFingerprint(pubFile);
	return { line: readFileSync(pubFile, 'utf8').trim(), pubFile, privateFile, keygenBits, keygenFingerprint: fingerprint };
}

/** Whether the installed OpenSSH still generates DSA keys (removed in OpenSSH 9.8+ builds). */
export function sshKeygenMakesDsa(): boolean {
	try {
		generateKey('dsa');
		return true;
	} catch {
		return false;
	}
}

/** Writes a one-line public key to a file and asks ssh-keygen about it. */
export function keygenFingerprintOfLine(line: string): { bits: number; fingerprint: string } {
	counter += 1;
	const file = path.join(dir(), `line-${process.pid}-${counter}.pub`);
	writeFileSync(file, line + '\n');
	return keygenFingerprint(file);
}

/** SSH wire string: uint32 length + bytes. */
export function wireString(value: Buffer | string): Buffer {
	const bytes = Buffer.from(value);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(bytes.length);
	return Buffer.concat([length, bytes]);
}

export function keyLine(type: string, blob: Buffer, comment?: string): string {
	return `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

/**
 * Real FIDO public keys, fixed: built as OpenSSH lays them out (PROTOCOL.u2f) from real curve points,
 * and checked by the tests against `ssh-keygen -lf`.
 */
export const SK_ED25519_LINE =
	'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAfOQdNMkoH5L0J5joIrHiwJTa4HuB7sNziyNRqEH/dhAAAABHNzaDo= yubi@host';
export const SK_ECDSA_LINE =
	'sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20AAAAIbmlzdHAyNTYAAABBBMMF5iChlmL3OK1diEKi1/QhznxNtI70xM649rSy8UAX6DOMzM7c/7aocGNI0rH1cZYgr6v/kQb9HeLFyTm42eAAAAAEc3NoOg== yubi@host';

/** A fresh sk-ssh-ed25519 key (a real Ed25519 point), for tests that need many distinct keys. */
export function freshSkEd25519(application = 'ssh:'): { line: string; blob: Buffer } {
	const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
	const blob = Buffer.concat([
		wireString('sk-ssh-ed25519@openssh.com'),
		wireString(Buffer.from(jwk.x!, 'base64url')),
		wireString(application)
	]);
	return { line: keyLine('sk-ssh-ed25519@openssh.com', blob, 'yubi@host'), blob };
}

/** A fresh, valid ssh-ed25519 key line without running ssh-keygen (for bulk fixtures). */
export function freshEd25519Line(comment = 'bulk@test'): string {
	const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
	const blob = Buffer.concat([wireString('ssh-ed25519'), wireString(Buffer.from(jwk.x!, 'base64url'))]);
	return keyLine('ssh-ed25519', blob, comment);
}

export function blobOf(line: string): Buffer {
	return Buffer.from(line.split(' ')[1]!, 'base64');
}

/** Offsets of every uint32 length field in a well-formed blob (walks its strings). */
export function lengthFieldOffsets(blob: Buffer): number[] {
	const offsets: number[] = [];
	let offset = 0;
	while (offset + 4 <= blob.length) {
		offsets.push(offset);
		offset += 4 + blob.readUInt32BE(offset);
	}
	return offsets;
}

/** mulberry32: a small seeded PRNG, so every fuzz run is reproducible from its seed. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export type Mutation = { kind: string; line: string };

/**
 * Structurally broken variants of a valid key line: each is invalid whatever the random draw
 * (truncated, trailing bytes, a length field changed, a huge length prefix, the type string or curve
 * name bit-flipped, bytes inserted or deleted, random bytes, random text). Never a valid key.
 */
export function mutateKeyLine(line: string, random: () => number): Mutation {
	const [type] = line.split(' ') as [string];
	const blob = blobOf(line);
	const int = (n: number) => Math.floor(random() * n);
	const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
	const fields = lengthFieldOffsets(blob);
	const kinds = ['truncate', 'append', 'length', 'huge-length', 'flip-type', 'insert', 'delete', 'random-blob', 'typed-random', 'random-text'];
	const kind = kinds[int(kinds.length)]!;
	let mutated: Buffer;
	switch (kind) {
		case 'truncate':
			mutated = blob.subarray(0, int(blob.length));
			break;
		case 'append':
			mutated = Buffer.concat([blob, bytes(1 + int(16))]);
			break;
		case 'length': {
			mutated = Buffer.from(blob);
			const at = fields[int(fields.length)]!;
			const old = mutated.readUInt32BE(at);
			let next = old;
			while (next === old) next = random() < 0.5 ? Math.max(0, old + int(9) - 4) : int(0x100000000);
			mutated.writeUInt32BE(next >>> 0, at);
			break;
		}
		case 'huge-length': {
			mutated = Buffer.from(blob);
			mutated.writeUInt32BE([0xffffffff, 0x7fffffff, 0x80000000, 0x01000000][int(4)]!, fields[int(fields.length)]!);
			break;
		}
		case 'flip-type': {
			// A bit of the type string inside the blob (and, for ECDSA types, of the curve name).
			mutated = Buffer.from(blob);
			const typeEnd = 4 + mutated.readUInt32BE(0);
			const positions = Array.from({ length: typeEnd - 4 }, (_, i) => 4 + i);
			if (type.includes('ecdsa')) positions.push(...Array.from({ length: 8 }, (_, i) => typeEnd + 4 + i));
			mutated[positions[int(positions.length)]!]! ^= 1 << int(8);
			break;
		}
		case 'insert': {
			const at = int(blob.length + 1);
			mutated = Buffer.concat([blob.subarray(0, at), bytes(1 + int(4)), blob.subarray(at)]);
			break;
		}
		case 'delete': {
			const at = int(blob.length);
			mutated = Buffer.concat([blob.subarray(0, at), blob.subarray(at + 1 + int(4))]);
			break;
		}
		case 'random-blob':
			mutated = bytes(int(600));
			break;
		case 'typed-random':
			mutated = Buffer.concat([wireString(type), bytes(int(300))]);
			break;
		default: {
			// Text that is not base64 at all, or base64 of nothing sensible.
			const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=!@#$%^&*()_-[]{}<>?~ \t';
			const text = Array.from({ length: 1 + int(200) }, () => alphabet[int(alphabet.length)]).join('');
			return { kind, line: `${type} ${text}` };
		}
	}
	return { kind, line: `${type} ${mutated.toString('base64')} fuzz@test` };
}

/** Any single bit flipped anywhere in the blob: may or may not still be a valid key. */
export function flipAnyBit(line: string, random: () => number): string {
	const [type] = line.split(' ') as [string];
	const blob = Buffer.from(blobOf(line));
	blob[Math.floor(random() * blob.length)]! ^= 1 << Math.floor(random() * 8);
	return `${type} ${blob.toString('base64')}`;
}

export function randomKeyName(): string {
	return `key-${randomBytes(4).toString('hex')}`;
}
