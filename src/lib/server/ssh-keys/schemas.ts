/**
 * Input truth for SSH keys: shared by the tRPC router, the REST facade, the CLI and tests. The key
 * text itself is only bounded here; its format is judged by parse.ts, which needs the configured RSA
 * minimum and gives field-specific messages.
 */
import { z } from 'zod';
import { MAX_PUBLIC_KEY_BYTES } from './parse';

/** Unicode's control characters (Cc: U+0000-U+001F and U+007F-U+009F). */
const CONTROL_CHARS = /\p{Cc}/u;

export const sshKeyNameSchema = z
	.string({ error: 'Name is required' })
	.trim()
	.min(1, 'Name is required')
	.max(100, 'Name must be at most 100 characters')
	.refine((name) => !CONTROL_CHARS.test(name), 'Name must not contain control characters');

export const publicKeyTextSchema = z
	.string({ error: 'Public key is required' })
	.refine((text) => text.trim() !== '', 'Public key is required')
	.refine((text) => Buffer.byteLength(text, 'utf8') <= MAX_PUBLIC_KEY_BYTES, 'The key is larger than 16 KiB');

export const addSshKeyInput = z.object({ name: sshKeyNameSchema, publicKey: publicKeyTextSchema });
export type AddSshKeyInput = z.infer<typeof addSshKeyInput>;

/**
 * Not z.uuid(): a key id that is not a UUID cannot be one of the caller's keys, so the service answers
 * it with the same not_found as any other unknown id (REST: 404 for /api/user/ssh-keys/not-a-uuid).
 */
export const deleteSshKeyInput = z.object({
	keyId: z.string({ error: 'keyId is required' }).trim().min(1, 'keyId is required').max(128, 'keyId is too long')
});

/** GitHub's own rule: 1-39 characters, letters, digits and single hyphens, no hyphen at either end. */
export const GITHUB_USERNAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export const githubUsernameSchema = z
	.string({ error: 'GitHub username is required' })
	.trim()
	.min(1, 'GitHub username is required')
	.max(39, 'GitHub username must be at most 39 characters')
	.regex(
		GITHUB_USERNAME_PATTERN,
		'GitHub username may contain only letters, digits and single hyphens, and cannot start or end with a hyphen'
	);

export const importGithubInput = z.object({ githubUsername: githubUsernameSchema });
export type ImportGithubInput = z.infer<typeof importGithubInput>;
