/**
 * A DNS lookup for node:net/http/https that refuses forbidden addresses (see address-policy.ts).
 *
 * Policy: the check runs inside the socket's own lookup, i.e. on the very answer the connection
 * will use, so a DNS-rebinding server that answers "public" to an earlier check and "private" at
 * connect time is still refused. If ANY address in the answer is forbidden, the whole answer is
 * refused: a mixed answer is a rebinding trick, not a legitimate public host.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { judgeAddress } from './address-policy';

/** Raised (as the socket's error) when a host resolves to a forbidden address. */
export class BlockedAddressError extends Error {
	readonly code = 'EBLOCKEDADDRESS';
	constructor(
		readonly hostname: string,
		readonly range: string
	) {
		super(`${hostname} resolves to a ${range} address`);
		this.name = 'BlockedAddressError';
	}
}

export const systemLookup = dnsLookup as unknown as LookupFunction;

export function guardedLookup(base: LookupFunction = systemLookup): LookupFunction {
	return (hostname, options, callback) => {
		base(hostname, { ...options, all: true }, (err, answer, family) => {
			if (err) return callback(err, '', undefined);
			// An injected lookup may ignore `all` and answer with one address.
			const list: LookupAddress[] = Array.isArray(answer)
				? answer
				: [{ address: answer, family: family ?? (answer.includes(':') ? 6 : 4) }];
			if (list.length === 0) {
				const notFound = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
				return callback(notFound, '', undefined);
			}
			for (const { address } of list) {
				const verdict = judgeAddress(address);
				if (!verdict.allowed) return callback(new BlockedAddressError(hostname, verdict.range), '', undefined);
			}
			if (options.all) return callback(null, list);
			callback(null, list[0]!.address, list[0]!.family);
		});
	};
}
