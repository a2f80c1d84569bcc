/**
 * Every refusal the gateway can give. Policy: each has a stable code (logs, audit rows, tests), a
 * line that is safe to show to the user, and an operator reason that may say more (it goes to the log
 * and the org's audit chain, never to the client). A user who is not a member of the instance's org
 * gets exactly the answer for a slug that does not exist, so slugs of other orgs are never revealed.
 */
export type RejectionCode =
	| 'unknown_key'
	| 'instance_not_found'
	| 'unexpanded_username'
	| 'instance_stopped'
	| 'permission_denied'
	| 'mfa_required'
	| 'session_limit'
	| 'connection_limit'
	| 'access_revoked'
	| 'sftp_unavailable'
	| 'unsupported_request'
	| 'backend_error';

export type Rejection = {
	ok: false;
	code: RejectionCode;
	/** Printed by the client as is; one line, no secrets, nothing about other orgs. */
	userMessage: string;
	/** For the operator: the log and the audit row. */
	operatorReason: string;
	/** Set when a member of the instance's org was refused: the refusal goes to that org's audit log. */
	scope?: RefusalScope;
};

export type RefusalScope = { user: { id: string; email: string }; org: { id: string }; instance: { id: string; slug: string } };

export const UNEXPANDED_USERNAME_MESSAGE =
	'Your ssh client sent "%n" as the user name (its version does not expand tokens in User): connect as <instance-slug>@host, or set User to the slug';

function reject(code: RejectionCode, userMessage: string, operatorReason: string): Rejection {
	return { ok: false, code, userMessage, operatorReason };
}

export const rejections = {
	/** The SSH door answers this one with a plain publickey failure, like any SSH server. */
	unknownKey: (fingerprint: string) =>
		reject('unknown_key', 'Permission denied (publickey)', `no account has the key ${fingerprint}`),
	/** `User %n` in ~/.ssh/config reaches us as "%n" from OpenSSH releases that do not expand tokens in User. */
	unexpandedUsername: (username: string) =>
		reject('unexpanded_username', UNEXPANDED_USERNAME_MESSAGE, `the client sent the user name "${username}" with an unexpanded token`),
	instanceNotFound: (slug: string, why: string) => reject('instance_not_found', 'Instance not found', `instance "${slug}": ${why}`),
	instanceStopped: (slug: string, status: string) =>
		reject(
			'instance_stopped',
			status === 'provisioning' ? `Instance ${slug} is not running yet (provisioning)` : `Instance ${slug} is stopped`,
			`instance "${slug}" has status ${status}`
		),
	permissionDenied: (slug: string) =>
		reject('permission_denied', 'Permission denied: view:instances', `the user's role lacks view:instances in the org of "${slug}"`),
	/** The org requires 2FA and the member has none: the line names the org and where to turn it on. */
	mfaRequired: (message: string, slug: string) =>
		reject('mfa_required', message, `the org of "${slug}" requires two-factor authentication and the user has none`),
	sessionLimit: (max: number, open: number) =>
		reject(
			'session_limit',
			`Session limit reached: at most ${max} concurrent sessions per user`,
			`the user has ${open} open gateway sessions (limit ${max})`
		),
	connectionLimit: (max: number, open: number) =>
		reject(
			'connection_limit',
			`Connection limit reached: at most ${max} concurrent connections per user`,
			`the user holds ${open} authenticated connections to this gateway process (limit ${max})`
		),
	accessRevoked: (why: string) => reject('access_revoked', 'Access revoked', why),
	sftpUnavailable: (path: string) =>
		reject('sftp_unavailable', `sftp-server not found in the instance image (${path})`, `${path} is not executable in the container`),
	unsupported: (what: string) => reject('unsupported_request', `Not supported by this gateway: ${what}`, `refused request: ${what}`),
	backendError: (detail: string) =>
		reject('backend_error', 'Could not open a session in the instance; try again later', `container backend failed: ${detail}`)
} as const;

/** The idle-timeout line the user sees (the wording). */
export function idleTimeoutMessage(seconds: number): string {
	return `Idle timeout: closed after ${seconds} seconds without activity`;
}

export const ACCESS_REVOKED_MESSAGE = 'Access revoked';

