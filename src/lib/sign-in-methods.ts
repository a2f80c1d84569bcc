/** How a session signed in, worded for people (the sessions page). Keys are `sessions.auth_method`. */
export const SIGN_IN_METHOD_LABELS = {
	password: 'Password',
	password_totp: 'Password + authenticator code',
	password_recovery_code: 'Password + recovery code',
	password_passkey: 'Password + passkey',
	passkey: 'Passkey'
} as const satisfies Record<string, string>;

export function signInMethodLabel(method: string): string {
	return Object.hasOwn(SIGN_IN_METHOD_LABELS, method) ? SIGN_IN_METHOD_LABELS[method as keyof typeof SIGN_IN_METHOD_LABELS] : method;
}
