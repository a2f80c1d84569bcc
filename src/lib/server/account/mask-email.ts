/**
 * An address shown to someone who may not own it (the old address hears of a change to the new one):
 * the first character of the local part and the whole domain, `n***@example.com`. Enough for the
 * owner to recognise their own address, not enough to hand a stranger a new address to target.
 */
export function maskEmail(email: string): string {
	const at = email.lastIndexOf('@');
	if (at <= 0) return '***';
	return `${email[0]}***${email.slice(at)}`;
}
