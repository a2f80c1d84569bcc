/**
 * Terminal tickets: the one-time pass a browser presents on `GET /ws/terminal` to open a terminal.
 *
 * Policy:
 * - A ticket is issued to a signed-in browser session for one instance, and is bound to the user, that
 *   session and that instance; it is valid for TERMINAL_TICKET_TTL_SECONDS (30 s) and only once.
 * - It is `v1.<id>.<expiresUnixSeconds>.<nonce>.<mac>`: the MAC is HMAC-SHA256 under a key derived from
 *   JWT_SECRET for this purpose alone, checked in constant time before the database is asked, so a
 *   forged or altered ticket costs no query.
 * - Only the ticket's SHA-256 is stored. Redeeming is one conditional UPDATE (`used_at IS NULL AND
 *   expires_at > now`), so two concurrent uses of one ticket yield one winner, and a replay finds it used.
 * - The browser keeps nothing long-lived: the ticket travels once, in the WebSocket URL, and is dead
 *   after that. A bad ticket returns a reason, never throws.
 */
import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context';
import { hashSecret } from '../auth/tokens';
import { addSeconds } from '../clock';
import type { DbOrTx } from '../db/client';
import { terminalTickets } from '../db/schema';

export const TERMINAL_TICKET_TTL_SECONDS = 30;
/** Used and expired rows are kept this long (a replay within it is told "already used"), then swept. */
const KEEP_REDEEMED_SECONDS = 3600;
const VERSION = 'v1';
const NONCE_BYTES = 18;
const MAC_KEY_LABEL = 'ocore terminal tickets v1';

export type TicketBinding = { userId: string; sessionId: string; instanceId: string };
export type IssuedTicket = { ticket: string; expiresAt: Date };
export type RedeemResult = ({ ok: true } & TicketBinding) | { ok: false; reason: 'invalid' | 'expired' | 'used' };

type TicketDeps = Pick<AppContext, 'db' | 'config'>;

const encoder = new TextEncoder();

function macKey(jwtSecret: string): Uint8Array {
	return hmac(SHA256, encoder.encode(jwtSecret), encoder.encode(MAC_KEY_LABEL));
}

function mac(jwtSecret: string, body: string): Uint8Array {
	return hmac(SHA256, macKey(jwtSecret), encoder.encode(body));
}

export async function issueTerminalTicket(app: TicketDeps, binding: TicketBinding, now: Date): Promise<IssuedTicket> {
	const id = randomUUID();
	const expiresAt = addSeconds(now, TERMINAL_TICKET_TTL_SECONDS);
	const body = [VERSION, id, Math.floor(expiresAt.getTime() / 1000), encodeBase64urlNoPadding(randomBytes(NONCE_BYTES))].join('.');
	const ticket = `${body}.${encodeBase64urlNoPadding(mac(app.config.jwtSecret, body))}`;
	await app.db.insert(terminalTickets).values({ id, ticketHash: hashSecret(ticket), ...binding, createdAt: now, expiresAt });
	return { ticket, expiresAt };
}

const TICKET_SHAPE = /^v1\.[0-9a-f-]{36}\.\d{1,12}\.[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{43}$/;

/** The id and expiry of a well-formed ticket with a valid MAC, or null. */
function verify(jwtSecret: string, ticket: string): { id: string; expiresAt: Date } | null {
	if (!TICKET_SHAPE.test(ticket)) return null;
	const cut = ticket.lastIndexOf('.');
	const body = ticket.slice(0, cut);
	let presented: Uint8Array;
	try {
		presented = decodeBase64urlIgnorePadding(ticket.slice(cut + 1));
	} catch {
		return null;
	}
	if (!constantTimeEqual(presented, mac(jwtSecret, body))) return null;
	const [, id, expires] = body.split('.');
	return { id: id!, expiresAt: new Date(Number(expires) * 1000) };
}

/** Uses the ticket up, once: the binding it was issued with, or why it cannot be used. */
export async function redeemTerminalTicket(app: TicketDeps, ticket: string, now: Date): Promise<RedeemResult> {
	const verified = verify(app.config.jwtSecret, ticket);
	if (!verified) return { ok: false, reason: 'invalid' };
	if (verified.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
	const [row] = await app.db
		.update(terminalTickets)
		.set({ usedAt: now })
		.where(
			and(
				eq(terminalTickets.id, verified.id),
				eq(terminalTickets.ticketHash, hashSecret(ticket)),
				isNull(terminalTickets.usedAt),
				gt(terminalTickets.expiresAt, now)
			)
		)
		.returning({ userId: terminalTickets.userId, sessionId: terminalTickets.sessionId, instanceId: terminalTickets.instanceId });
	if (row) return { ok: true, ...row };
	// A valid MAC whose row is gone or used: replayed, or its session, user or instance went away.
	return { ok: false, reason: 'used' };
}

/** The maintenance sweep: tickets an hour past their expiry. */
export async function deleteDeadTerminalTickets(db: DbOrTx, now: Date): Promise<number> {
	const gone = await db
		.delete(terminalTickets)
		.where(lte(terminalTickets.expiresAt, addSeconds(now, -KEEP_REDEEMED_SECONDS)))
		.returning({ id: terminalTickets.id });
	return gone.length;
}
