/**
 * Browser-side helpers shared by the passkey components: JSON calls to our own endpoints (the session
 * cookie goes along; the server answers `{error, message}` on failure) and the browser's WebAuthn
 * failures told in words.
 */
export type CallResult<T> = { ok: true; body: T } | { ok: false; status: number; error: string; message: string };

export async function postJson<T>(url: string, body: unknown = {}, method = 'POST'): Promise<CallResult<T>> {
	let res: Response;
	try {
		res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	} catch {
		return { ok: false, status: 0, error: 'network', message: 'The server could not be reached. Check your connection and try again.' };
	}
	const parsed = (await res.json().catch(() => null)) as (T & { error?: string; message?: string }) | null;
	if (res.ok) return { ok: true, body: parsed as T };
	return { ok: false, status: res.status, error: parsed?.error ?? 'error', message: parsed?.message ?? `The server answered ${res.status}.` };
}

/** Where the server sends a session that must prove its user again before changing sign-in factors. */
export function confirmItsYouUrl(redirectTo: string): string {
	return `/settings/security/confirm?redirectTo=${encodeURIComponent(redirectTo)}`;
}

/** Null when the user simply closed or replaced the prompt: nothing to say then. */
export function describeWebAuthnError(err: unknown): string | null {
	const e = err as { name?: string; code?: string; cause?: { name?: string } } | null;
	const name = e?.cause?.name ?? e?.name;
	if (e?.code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError') return null;
	if (e?.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') {
		return 'This device already holds a passkey for your account.';
	}
	if (name === 'NotAllowedError') return 'The passkey request was cancelled, timed out or not allowed. Try again when you are ready.';
	if (e?.code === 'ERROR_INVALID_DOMAIN' || e?.code === 'ERROR_INVALID_RP_ID' || name === 'SecurityError') {
		return 'Passkeys work only on this server\'s own address with a domain name (not an IP address).';
	}
	return 'The passkey could not be used. Try again, or use another way to sign in.';
}
