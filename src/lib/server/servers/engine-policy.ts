/**
 * Which Docker engine a server reaches, and which engines an org may register.
 *
 * Policy:
 * - An engine is named by its address, not by the server row: `socket:<path>` for the platform's own
 *   engine (every org's socket server reaches the one DOCKER_SOCKET_PATH), `tcp:<host>:<port>` and
 *   `ssh:<host>:<port>` (lower-cased; IPv6 in brackets) for remote ones. Docker's own engine ID
 *   (`docker info`) is not used: a tcp/ssh engine is run by whoever holds its credentials and reports
 *   whatever ID it likes, so a crafted engine could claim another engine's ID; the address is
 *   computed here, without trusting the engine, and costs no round trip.
 * - A tcp/ssh engine belongs to the one org that registered it with its credentials (whoever holds
 *   an engine's TLS client key or SSH key controls every container on it anyway). Another org
 *   registering the same host and port gets 409, without learning which org holds it.
 * - Engine addresses follow the outbound fetcher's policy (net/address-policy): an IP literal that
 *   is loopback, private, link-local, metadata or otherwise not public unicast is refused at
 *   registration (400 naming `endpoint`); host names are checked at connect time by the guarded
 *   lookup (containers/docker-clients). Hosts listed in DOCKER_ALLOW_PRIVATE_HOSTS are exempt.
 */
import { and, inArray, ne, sql } from 'drizzle-orm';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { DbOrTx } from '../db/client';
import { servers, type Server } from '../db/schema';
import { AppError } from '../errors';
import { isExemptHost, judgeAddress } from '../net/address-policy';
import { parseSshEndpoint, parseTcpEndpoint } from './endpoint';

type EngineAddress = { kind: Server['kind']; endpoint: string };

function remoteTarget({ kind, endpoint }: EngineAddress): { host: string; port: number } | null {
	if (kind === 'tcp') return parseTcpEndpoint(endpoint);
	if (kind === 'ssh') return parseSshEndpoint(endpoint);
	return null;
}

/** The engine a server reaches (see the policy above); null for a malformed endpoint. */
export function engineKeyOf(server: EngineAddress): string | null {
	if (server.kind === 'socket') return `socket:${server.endpoint}`;
	const target = remoteTarget(server);
	if (!target) return null;
	// One spelling per address: IPv6 compressed and lower-cased, IPv4-mapped IPv6 as IPv4.
	const host = ipaddr.isValid(target.host) ? ipaddr.process(target.host).toString() : target.host.toLowerCase();
	return `${server.kind}:${host.includes(':') ? `[${host}]` : host}:${target.port}`;
}

/** 400 naming `endpoint` when a tcp/ssh engine is an IP literal the address policy refuses. */
export function checkEngineAddress(server: EngineAddress, allowPrivateHosts: readonly string[]): void {
	const target = remoteTarget(server);
	if (!target || !isIP(target.host) || isExemptHost(target.host, allowPrivateHosts)) return;
	const verdict = judgeAddress(target.host);
	if (verdict.allowed) return;
	throw new AppError(
		'invalid_request',
		`endpoint: ${target.host} is a ${verdict.range} address; oCore connects only to public Docker engines unless DOCKER_ALLOW_PRIVATE_HOSTS names the host`
	);
}

/**
 * 409 when another org has registered this tcp/ssh engine. Runs inside the registering transaction,
 * under a lock on the engine's key, so two orgs registering one engine at once cannot both win.
 */
export async function claimRemoteEngine(tx: DbOrTx, orgId: string, server: EngineAddress): Promise<void> {
	const key = engineKeyOf(server);
	const target = remoteTarget(server);
	if (key === null || target === null) return;
	await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
	// Compared by key, not by text: the same engine can be written several ways (case, IPv6 forms, scheme).
	// Registering is rare and remote engines are few, so reading them all is cheap.
	const candidates = await tx
		.select({ kind: servers.kind, endpoint: servers.endpoint })
		.from(servers)
		.where(and(inArray(servers.kind, ['tcp', 'ssh']), ne(servers.orgId, orgId)));
	if (candidates.some((row) => engineKeyOf(row) === key)) {
		throw new AppError('conflict', `The Docker engine at ${target.host}:${target.port} is registered by another organization; an engine belongs to one organization`);
	}
}
