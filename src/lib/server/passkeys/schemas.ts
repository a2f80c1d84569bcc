/**
 * Input truth for passkeys, shared by the tRPC router, the REST facade, the page endpoints and tests.
 * The browser's WebAuthn answers are only shaped and bounded here; @simplewebauthn/server judges
 * their content (origin, RP ID, challenge, signature).
 */
import type { AuthenticationExtensionsClientOutputs } from '@simplewebauthn/server';
import { z } from 'zod';

/** Unicode's control characters (Cc). */
const CONTROL_CHARS = /\p{Cc}/u;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
/** Generous for an attestation object with a certificate chain; a passkey's is a few hundred bytes. */
const MAX_FIELD_CHARS = 16_384;

const b64url = (field: string) =>
	z
		.string({ error: `${field} is required` })
		.max(MAX_FIELD_CHARS, `${field} is too long`)
		.regex(BASE64URL, `${field} must be base64url`);

export const passkeyNameSchema = z
	.string({ error: 'Name is required' })
	.trim()
	.min(1, 'Name is required')
	.max(64, 'Name must be at most 64 characters')
	.refine((name) => !CONTROL_CHARS.test(name), 'Name must not contain control characters');

const credentialBase = {
	id: b64url('response.id').min(1, 'response.id is required'),
	rawId: b64url('response.rawId').min(1, 'response.rawId is required'),
	type: z.literal('public-key', { error: 'response.type must be "public-key"' }),
	clientExtensionResults: z
		.custom<AuthenticationExtensionsClientOutputs>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'response.clientExtensionResults must be an object')
		.default({}),
	authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional()
};

export const registrationResponseSchema = z.object(
	{
		...credentialBase,
		response: z.object({
			clientDataJSON: b64url('response.clientDataJSON'),
			attestationObject: b64url('response.attestationObject'),
			transports: z.array(z.string().max(32)).max(10).optional()
		})
	},
	{ error: 'response must be a WebAuthn registration response' }
);

export const authenticationResponseSchema = z.object(
	{
		...credentialBase,
		response: z.object({
			clientDataJSON: b64url('response.clientDataJSON'),
			authenticatorData: b64url('response.authenticatorData'),
			signature: b64url('response.signature'),
			userHandle: b64url('response.userHandle').optional()
		})
	},
	{ error: 'response must be a WebAuthn authentication response' }
);

export type RegistrationResponseInput = z.infer<typeof registrationResponseSchema>;
export type AuthenticationResponseInput = z.infer<typeof authenticationResponseSchema>;

export const registerPasskeyInput = z.object({ response: registrationResponseSchema, name: passkeyNameSchema });
export type RegisterPasskeyInput = z.infer<typeof registerPasskeyInput>;

/** Not z.uuid(): an id that is not a UUID cannot be one of the caller's passkeys, so it is a plain 404. */
const passkeyId = z.string({ error: 'id is required' }).trim().min(1, 'id is required').max(128, 'id is too long');

export const renamePasskeyInput = z.object({ id: passkeyId, name: passkeyNameSchema });
export const deletePasskeyInput = z.object({ id: passkeyId });

export const signInOptionsInput = z.object({ mfaToken: z.string().max(256).optional() });
export const signInVerifyInput = z.object({ response: authenticationResponseSchema, mfaToken: z.string().max(256).optional() });
export type SignInVerifyInput = z.infer<typeof signInVerifyInput>;

export const reauthVerifyInput = z.object({ response: authenticationResponseSchema });

/** The sign-in page's own endpoints (a browser session cookie, not API tokens). */
export const pageSignInMode = z.enum(['signin', 'mfa'], { error: 'mode must be "signin" or "mfa"' });
export const pageSignInOptionsInput = z.object({ mode: pageSignInMode });
export const pageSignInVerifyInput = z.object({
	mode: pageSignInMode,
	response: authenticationResponseSchema,
	redirectTo: z.string().max(2048).optional()
});
