/**
 * mlkem768x25519-sha256 in ssh2 (patches/ssh2+1.17.0+010+mlkem768x25519.patch), checked against a
 * second implementation: @noble/post-quantum's ML-KEM-768 and @noble/curves' X25519 (pure
 * JavaScript, independent of the OpenSSL that Node's crypto and so the patch use) play the peer.
 * Then the wire: ssh2's server and client negotiate it with each other, and a server given a
 * client key of the wrong size (sent by a raw socket) ends the handshake with a reason.
 * The real peer, OpenSSH 10, is in tests/integration/ssh/post-quantum.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { connect, type AddressInfo } from 'node:net';
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayAlgorithmNames, gatewayAlgorithms } from '../../../ssh-gateway/ssh/algorithms';

type ClientKeys = { init: Buffer };
type Kex = {
	CLIENT_INIT_BYTES: number;
	SERVER_REPLY_BYTES: number;
	mlkem768x25519Supported: boolean;
	serverEncapsulate(clientInit: Buffer): { reply: Buffer; secret: Buffer };
	clientKeyPair(): ClientKeys;
	clientDecapsulate(keys: ClientKeys, serverReply: Buffer): Buffer;
};
const kex = createRequire(import.meta.url)('ssh2/lib/protocol/kex-mlkem768x25519.js') as Kex;

/** K as draft-ietf-sshm-mlkem-hybrid-kex defines it, from the two shared secrets. */
function hybridSecret(mlkemSecret: Uint8Array, x25519Secret: Uint8Array): Buffer {
	return createHash('sha256').update(mlkemSecret).update(x25519Secret).digest();
}

describe('mlkem768x25519-sha256 against a second implementation (noble)', () => {
	it('is available on this Node (ML-KEM-768 from OpenSSL 3.5)', () => {
		expect(kex.mlkem768x25519Supported).toBe(true);
		expect([kex.CLIENT_INIT_BYTES, kex.SERVER_REPLY_BYTES]).toEqual([1184 + 32, 1088 + 32]);
	});

	it('server half: noble opens the S_REPLY to the same K, and K is 32 raw bytes, never an mpint', () => {
		// The first byte of K is >= 0x80 half the time; an mpint would then grow a 0x00 prefix (and
		// lose leading zero bytes), so 24 rounds see both kinds with probability 1 - 2^-23.
		const firstBytes = new Set<boolean>();
		for (let i = 0; i < 24; i++) {
			const kem = ml_kem768.keygen();
			const ecdh = x25519.keygen();
			const clientInit = Buffer.concat([kem.publicKey, ecdh.publicKey]);
			const { reply, secret } = kex.serverEncapsulate(clientInit);
			expect(reply.length).toBe(1088 + 32);
			const mlkemSecret = ml_kem768.decapsulate(reply.subarray(0, 1088), kem.secretKey);
			const x25519Secret = x25519.getSharedSecret(ecdh.secretKey, reply.subarray(1088));
			expect(secret.toString('hex')).toBe(hybridSecret(mlkemSecret, x25519Secret).toString('hex'));
			expect(secret.length).toBe(32);
			firstBytes.add(secret[0]! >= 0x80);
		}
		expect([...firstBytes].sort()).toEqual([false, true]);
	});

	it('client half: opens a reply that noble made for its C_INIT', () => {
		for (let i = 0; i < 8; i++) {
			const keys = kex.clientKeyPair();
			expect(keys.init.length).toBe(1184 + 32);
			const { cipherText, sharedSecret } = ml_kem768.encapsulate(keys.init.subarray(0, 1184));
			const server = x25519.keygen();
			const reply = Buffer.concat([cipherText, server.publicKey]);
			const expected = hybridSecret(sharedSecret, x25519.getSharedSecret(server.secretKey, keys.init.subarray(1184)));
			expect(kex.clientDecapsulate(keys, reply).toString('hex')).toBe(expected.toString('hex'));
		}
	});

	it('refuses a C_INIT of the wrong size, an invalid ML-KEM key, and a low-order X25519 point', () => {
		const good = Buffer.concat([ml_kem768.keygen().publicKey, x25519.keygen().publicKey]);
		for (const size of [0, 32, 1184, 1215, 1217, 2432]) {
			expect(() => kex.serverEncapsulate(Buffer.alloc(size, 1))).toThrow(`Invalid client public key length: ${size} (expected 1216)`);
		}
		// Coefficients of 0xfff are >= q = 3329: FIPS 203's encapsulation-key check fails.
		const badKem = Buffer.concat([Buffer.alloc(1184, 0xff), good.subarray(1184)]);
		expect(() => kex.serverEncapsulate(badKem)).toThrow();
		// The all-zero point gives an all-zero X25519 secret, which OpenSSH refuses too.
		const lowOrder = Buffer.concat([good.subarray(0, 1184), Buffer.alloc(32)]);
		expect(() => kex.serverEncapsulate(lowOrder)).toThrow();
		expect(kex.serverEncapsulate(good).secret.length).toBe(32);
	});

	it('refuses an S_REPLY of the wrong size', () => {
		const keys = kex.clientKeyPair();
		expect(() => kex.clientDecapsulate(keys, Buffer.alloc(1119))).toThrow('Invalid server public key length: 1119 (expected 1120)');
	});
});

describe('mlkem768x25519-sha256 on the wire (ssh2 server and client)', () => {
	let server: ssh2.Server;
	let port: number;
	const serverErrors: string[] = [];

	beforeAll(async () => {
		const hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;
		server = new ssh2.Server({ hostKeys: [hostKey], algorithms: gatewayAlgorithms() }, (client) => {
			client.on('error', (err) => serverErrors.push(err.message));
			client.on('authentication', (ctx) => ctx.accept());
			client.on('ready', () =>
				client.on('session', (accept) =>
					accept().on('exec', (acceptExec, _reject, info) => {
						const stream = acceptExec();
						stream.write(`ran ${info.command}\n`);
						stream.exit(0);
						stream.end();
					})
				)
			);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		port = (server.address() as AddressInfo).port;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	it('is first in the gateway key-exchange preference', () => {
		expect(gatewayAlgorithmNames().kex[0]).toBe('mlkem768x25519-sha256');
	});

	it('a client that offers it gets it and runs a command; one that does not falls back to curve25519', async () => {
		const run = (kexList: string[]) =>
			new Promise<{ kex: string; output: string }>((resolve, reject) => {
				const client = new ssh2.Client();
				let negotiated = '';
				client.on('handshake', (n) => (negotiated = n.kex));
				client.on('error', reject);
				client.on('ready', () =>
					client.exec('true', (err, stream) => {
						if (err) return reject(err);
						let output = '';
						stream.on('data', (d: Buffer) => (output += d));
						stream.on('close', () => {
							client.end();
							resolve({ kex: negotiated, output });
						});
					})
				);
				client.connect({ host: '127.0.0.1', port, username: 'u', password: 'p', algorithms: { kex: kexList as ssh2.KexAlgorithm[] } });
			});
		for (let i = 0; i < 4; i++) {
			expect(await run(['mlkem768x25519-sha256', 'curve25519-sha256'])).toEqual({ kex: 'mlkem768x25519-sha256', output: 'ran true\n' });
		}
		expect(await run(['curve25519-sha256'])).toEqual({ kex: 'curve25519-sha256', output: 'ran true\n' });
	});

	/** A plaintext SSH binary packet (RFC 4253 section 6) with no MAC, as before the first NEWKEYS. */
	function packet(payload: Buffer): Buffer {
		let padding = 8 - ((5 + payload.length) % 8);
		if (padding < 4) padding += 8;
		const head = Buffer.alloc(5);
		head.writeUInt32BE(1 + payload.length + padding, 0);
		head[4] = padding;
		return Buffer.concat([head, payload, randomBytes(padding)]);
	}
	function sshString(value: Buffer | string): Buffer {
		const bytes = Buffer.from(value);
		const length = Buffer.alloc(4);
		length.writeUInt32BE(bytes.length, 0);
		return Buffer.concat([length, bytes]);
	}

	it('ends the handshake when a client key has the wrong size, saying so', async () => {
		const lists = ['mlkem768x25519-sha256', 'ssh-ed25519', 'aes128-ctr', 'aes128-ctr', 'hmac-sha2-256-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'none', 'none', '', ''];
		const kexinit = Buffer.concat([Buffer.from([20]), randomBytes(16), ...lists.map(sshString), Buffer.from([0, 0, 0, 0, 0])]);
		const tooShort = Buffer.concat([Buffer.from([30]), sshString(randomBytes(1215))]); // SSH_MSG_KEX_ECDH_INIT
		const received = await new Promise<Buffer>((resolve, reject) => {
			const socket = connect({ host: '127.0.0.1', port });
			let data = Buffer.alloc(0);
			socket.on('data', (d) => (data = Buffer.concat([data, d])));
			socket.on('error', reject);
			socket.on('close', () => resolve(data));
			socket.write(Buffer.concat([Buffer.from('SSH-2.0-raw_test\r\n'), packet(kexinit), packet(tooShort)]));
			setTimeout(() => socket.destroy(), 10_000).unref();
		});
		// After the server's ident and KEXINIT: SSH_MSG_DISCONNECT (1), reason KEY_EXCHANGE_FAILED (3).
		const disconnect = received.indexOf(Buffer.from([1, 0, 0, 0, 3]));
		expect(disconnect).toBeGreaterThan(0);
		expect(serverErrors.some((e) => e.includes('Invalid client public key length: 1215 (expected 1216)'))).toBe(true);
	});
});
