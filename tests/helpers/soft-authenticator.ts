/**
 * A software WebAuthn authenticator for tests: makes real registration and authentication responses
 * (ES256 key, 'none' attestation) that @simplewebauthn/server verifies exactly as it verifies a
 * browser's, so the server's checks (origin, RP ID, challenge, signature, counter) are exercised
 * without a browser.
 *
 * Hand-written because no maintained library is a software authenticator for Node tests: the
 * WebAuthn libraries verify responses, they do not make them, and browsers' virtual authenticators
 * (CDP) need a browser (the e2e test uses that one). It follows WebAuthn L3 §6.1 (authenticator
 * data) and §6.5.4 ('none' attestation); CBOR comes from @simplewebauthn/server's own encoder.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type {
	AuthenticationResponseJSON,
	PublicKeyCredentialCreationOptionsJSON,
	PublicKeyCredentialRequestOptionsJSON,
	RegistrationResponseJSON
} from '@simplewebauthn/server';

type CBORType = Parameters<typeof isoCBOR.encode>[0];

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export type SoftCredential = {
	id: string;
	privateKey: KeyObject;
	/** base64url user handle given at registration. */
	userHandle: string;
	rpID: string;
	counter: number;
};

export type SoftAuthenticatorOptions = {
	/** The page origin the browser would write into clientDataJSON. */
	origin: string;
	/** Backed up (a synced passkey): BE and BS flags set. */
	backedUp?: boolean;
	/** How much the signature counter grows per use; 0 is an authenticator without a counter. */
	counterStep?: number;
};

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

function u32(n: number): Buffer {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n >>> 0);
	return b;
}

function coseKeyOf(privateKey: KeyObject): Uint8Array {
	const jwk = privateKey.export({ format: 'jwk' });
	const map = new Map<number, number | Uint8Array>([
		[1, 2], // kty: EC2
		[3, -7], // alg: ES256
		[-1, 1], // crv: P-256
		[-2, Buffer.from(jwk.x!, 'base64url')],
		[-3, Buffer.from(jwk.y!, 'base64url')]
	]);
	return isoCBOR.encode(map as Map<number, Uint8Array | number>);
}

export class SoftAuthenticator {
	readonly credentials = new Map<string, SoftCredential>();
	constructor(readonly options: SoftAuthenticatorOptions) {}

	private flags(extra: number): number {
		return FLAG_UP | FLAG_UV | (this.options.backedUp ? FLAG_BE | FLAG_BS : 0) | extra;
	}

	/** navigator.credentials.create(): a new discoverable ES256 credential for the options' RP and user. */
	register(
		options: PublicKeyCredentialCreationOptionsJSON,
		overrides: { origin?: string; rpID?: string; challenge?: string; credentialId?: Buffer } = {}
	): RegistrationResponseJSON {
		const rpID = overrides.rpID ?? options.rp.id ?? new URL(this.options.origin).hostname;
		const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		const credentialId = overrides.credentialId ?? randomBytes(32);
		const counter = this.options.counterStep === 0 ? 0 : 1;
		const attested = Buffer.concat([Buffer.alloc(16), Buffer.from([credentialId.length >> 8, credentialId.length & 0xff]), credentialId, coseKeyOf(privateKey)]);
		const authData = Buffer.concat([sha256(rpID), Buffer.from([this.flags(FLAG_AT)]), u32(counter), attested]);
		const clientDataJSON = JSON.stringify({ type: 'webauthn.create', challenge: overrides.challenge ?? options.challenge, origin: overrides.origin ?? this.options.origin, crossOrigin: false });
		const attestation = new Map<string, CBORType>();
		attestation.set('fmt', 'none');
		attestation.set('attStmt', new Map<string, CBORType>());
		attestation.set('authData', new Uint8Array(authData));
		const attestationObject = isoCBOR.encode(attestation);
		const id = b64url(credentialId);
		this.credentials.set(id, { id, privateKey, userHandle: options.user.id, rpID, counter });
		return {
			id,
			rawId: id,
			type: 'public-key',
			clientExtensionResults: {},
			authenticatorAttachment: 'platform',
			response: { clientDataJSON: b64url(Buffer.from(clientDataJSON)), attestationObject: b64url(attestationObject), transports: ['internal', 'hybrid'] }
		};
	}

	/**
	 * navigator.credentials.get(): an assertion by `credentialId` (default: the only credential, or the
	 * first one allowed). `counter` forces the signature counter (a cloned key replays an old one).
	 */
	authenticate(
		options: PublicKeyCredentialRequestOptionsJSON,
		overrides: { credentialId?: string; origin?: string; rpID?: string; counter?: number; userHandle?: string | null } = {}
	): AuthenticationResponseJSON {
		const id = overrides.credentialId ?? options.allowCredentials?.[0]?.id ?? [...this.credentials.keys()][0];
		const credential = id ? this.credentials.get(id) : undefined;
		if (!credential) throw new Error('soft authenticator: no such credential');
		if (overrides.counter !== undefined) credential.counter = overrides.counter;
		else credential.counter += this.options.counterStep ?? 1;
		const rpID = overrides.rpID ?? options.rpId ?? credential.rpID;
		const authData = Buffer.concat([sha256(rpID), Buffer.from([this.flags(0)]), u32(credential.counter)]);
		const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: overrides.origin ?? this.options.origin, crossOrigin: false }));
		const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
		const userHandle = overrides.userHandle === undefined ? credential.userHandle : overrides.userHandle;
		return {
			id: credential.id,
			rawId: credential.id,
			type: 'public-key',
			clientExtensionResults: {},
			authenticatorAttachment: 'platform',
			response: {
				clientDataJSON: b64url(clientDataJSON),
				authenticatorData: b64url(authData),
				signature: b64url(signature),
				...(userHandle === null ? {} : { userHandle })
			}
		};
	}
}
