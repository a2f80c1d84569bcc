/**
 * Fuzzing the parser: thousands of corrupted blobs of every accepted type (truncations, trailing
 * bytes, length fields changed or made huge, type and curve names bit-flipped, bytes inserted or
 * deleted, random bytes, random text) each give AppError invalid_request: never another exception,
 * never an acceptance. Single bit flips anywhere may still be valid keys (a flipped bit of an Ed25519
 * point is another point); those must then be consistent, and never throw anything but AppError.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../src/lib/server/errors';
import { ACCEPTED_KEY_TYPES, parsePublicKey } from '../../../src/lib/server/ssh-keys/parse';
import { blobOf, flipAnyBit, generateKey, mutateKeyLine, SK_ECDSA_LINE, SK_ED25519_LINE, seededRandom } from '../../helpers/ssh-keys';

const OPTIONS = { minRsaBits: 4096 };
const STRUCTURAL_MUTATIONS = 6000;
const BIT_FLIPS = 3000;

let bases: string[] = [];
beforeAll(() => {
	bases = [
		generateKey('ed25519').line,
		generateKey('ecdsa', 256).line,
		generateKey('ecdsa', 384).line,
		generateKey('rsa', 4096).line,
		SK_ED25519_LINE,
		SK_ECDSA_LINE
	];
}, 120_000);

function outcome(line: string): 'accepted' | 'invalid_request' | string {
	try {
		const parsed = parsePublicKey(line, OPTIONS);
		// An accepted mutant must still be self-consistent: its fingerprint is that of its own blob.
		const digest = createHash('sha256').update(blobOf(line)).digest('base64').replace(/=+$/, '');
		expect(parsed.fingerprint).toBe(`SHA256:${digest}`);
		expect(ACCEPTED_KEY_TYPES).toContain(parsed.type);
		return 'accepted';
	} catch (err) {
		if (isAppError(err) && err.code === 'invalid_request' && err.message.startsWith('publicKey: ')) return 'invalid_request';
		return `unexpected ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
	}
}

describe('fuzzed key blobs', () => {
	it(`${STRUCTURAL_MUTATIONS} structural mutations all give invalid_request`, () => {
		const random = seededRandom(20240611);
		const failures: string[] = [];
		const kinds = new Map<string, number>();
		for (let i = 0; i < STRUCTURAL_MUTATIONS; i++) {
			const base = bases[i % bases.length]!;
			const { kind, line } = mutateKeyLine(base, random);
			kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
			const result = outcome(line);
			if (result !== 'invalid_request') failures.push(`#${i} ${kind} -> ${result}: ${line.slice(0, 120)}`);
		}
		expect(failures).toEqual([]);
		// Every kind of mutation was exercised, many times.
		expect(kinds.size).toBe(10);
		for (const count of kinds.values()) expect(count).toBeGreaterThan(300);
	});

	it(`${BIT_FLIPS} single bit flips anywhere never throw anything but invalid_request`, () => {
		const random = seededRandom(7);
		const unexpected: string[] = [];
		let refused = 0;
		for (let i = 0; i < BIT_FLIPS; i++) {
			const line = flipAnyBit(bases[i % bases.length]!, random);
			const result = outcome(line);
			if (result === 'invalid_request') refused += 1;
			else if (result !== 'accepted') unexpected.push(`#${i} -> ${result}`);
		}
		expect(unexpected).toEqual([]);
		// Most flips break the key (length fields, type names, curve points); the rest are other valid keys.
		expect(refused).toBeGreaterThan(BIT_FLIPS / 4);
	});

	it('the unmutated bases are accepted (the negative beside all those refusals)', () => {
		for (const base of bases) expect(outcome(base)).toBe('accepted');
	});
});
