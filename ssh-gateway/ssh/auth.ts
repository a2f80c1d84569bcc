/**
 * SSH user authentication. Policy: public key only; password, keyboard-interactive, hostbased and
 * none are answered with the method list ['publickey']. A key probe (no signature, RFC 4252 §7) is
 * answered "this key would do" only for a registered key, so clients move on to their next key
 * otherwise. A signed request is verified here (ssh2 leaves that to the server): the signature must
 * be by the presented key over this session's data, and RSA signatures must be rsa-sha2-256/512
 * (ssh-rsa SHA-1 signatures are refused). The key is identified by its SHA-256 fingerprint.
 */
import ssh2, { type PublicKeyAuthContext } from 'ssh2';
import { fingerprintOf } from '../../src/lib/server/ssh-keys/parse';

const { utils } = ssh2;

export type KeyCheck =
	| { kind: 'probe'; fingerprint: string }
	| { kind: 'verified'; fingerprint: string }
	| { kind: 'invalid'; why: string };

export function checkPublicKey(ctx: PublicKeyAuthContext): KeyCheck {
	const parsed = utils.parseKey(ctx.key.data);
	if (parsed instanceof Error || Array.isArray(parsed)) return { kind: 'invalid', why: 'unparseable public key' };
	if (parsed.type !== ctx.key.algo) return { kind: 'invalid', why: `key type ${parsed.type} presented as ${ctx.key.algo}` };
	const fingerprint = fingerprintOf(ctx.key.data);
	if (!ctx.signature || !ctx.blob) return { kind: 'probe', fingerprint };
	if (parsed.type === 'ssh-rsa' && ctx.hashAlgo !== 'sha256' && ctx.hashAlgo !== 'sha512') {
		return { kind: 'invalid', why: 'ssh-rsa (SHA-1) signature refused' };
	}
	if (parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return { kind: 'invalid', why: 'bad signature' };
	return { kind: 'verified', fingerprint };
}
