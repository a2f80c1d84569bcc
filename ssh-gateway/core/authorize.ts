/**
 * Deciding whether a client may reach an instance.
 *
 * Policy: access needs all of a registered key (or a signed-in user, for the browser door),
 * membership of the instance's org, 2FA on when that org requires it, the view:instances permission, status `running`, and fewer open
 * sessions than the per-user limit. Checked in that order, so a refusal reveals nothing the user may
 * not know: an outsider (or a nonexistent slug) gets "Instance not found", only members learn that a
 * permission is missing, and only members with view:instances learn the instance's status. The user
 * name is the slug, with the configured prefix (default `ocore-`) stripped, so `ocore-<slug>` and
 * `<slug>` both work; the unstripped name is tried too, for slugs that begin with the prefix.
 * The facts are read in one query (GatewayDirectory.lookup) and the checks run over them in memory,
 * so every connect and every new session pays one database round trip for its authorization.
 */
import type { AccessFacts, GatewayDirectory } from '../../src/lib/server/gateway-sessions/types';
import { SLUG_PATTERN } from '../../src/lib/server/slugs';
import { rejections, type Rejection } from './rejections';
import type { AuthorizeRequest, AuthorizeResult } from './types';

export type AuthorizeDeps = {
	directory: GatewayDirectory;
	usernamePrefix: string;
	maxSessionsPerUser: number;
};

/** The slugs a user name may mean, most likely first. */
export function candidateSlugs(username: string, prefix: string): string[] {
	const name = username.trim();
	const out: string[] = [];
	if (prefix && name.startsWith(prefix) && name.length > prefix.length) out.push(name.slice(prefix.length));
	out.push(name);
	return out.filter((s, i) => SLUG_PATTERN.test(s) && out.indexOf(s) === i);
}

/**
 * What the decision needs, read in one query (owner, instance, access verdict, open sessions), or the
 * refusal for a credential nobody holds.
 */
export async function lookUp(deps: Pick<AuthorizeDeps, 'directory' | 'usernamePrefix'>, request: AuthorizeRequest): Promise<AccessFacts | Rejection> {
	const { credential } = request;
	const facts = await deps.directory.lookup(credential, candidateSlugs(request.username, deps.usernamePrefix));
	if (facts) return facts;
	return credential.kind === 'key'
		? rejections.unknownKey(credential.fingerprint)
		: rejections.accessRevoked(`user ${credential.userId} does not exist`);
}

export async function authorize(deps: AuthorizeDeps, request: AuthorizeRequest): Promise<AuthorizeResult> {
	const facts = await lookUp(deps, request);
	return 'ok' in facts ? facts : decide(deps, facts, request);
}

/** The checks, in the policy's order, over facts already read. */
export function decide(deps: AuthorizeDeps, facts: AccessFacts, request: AuthorizeRequest): AuthorizeResult {
	const { credential } = request;
	const { owner, located, access } = facts;
	if (/%[a-zA-Z%]/.test(request.username)) return rejections.unexpandedUsername(request.username);
	if (!located) return rejections.instanceNotFound(request.username, 'no instance has this slug');
	const { instance } = located;
	if (access.verdict === 'not_member') return rejections.instanceNotFound(instance.slug, `${owner.email} is not a member of its org`);
	const scope = { user: { id: owner.userId, email: owner.email }, org: { id: instance.orgId }, instance: { id: instance.id, slug: instance.slug } };
	if (access.verdict === 'mfa_required') return { ...rejections.mfaRequired(access.message, instance.slug), scope };
	if (access.verdict === 'forbidden') return { ...rejections.permissionDenied(instance.slug), scope };
	if (instance.status !== 'running') return { ...rejections.instanceStopped(instance.slug, instance.status), scope };

	const open = facts.openSessions;
	if (open >= deps.maxSessionsPerUser) return { ...rejections.sessionLimit(deps.maxSessionsPerUser, open), scope };

	let endpoint;
	try {
		endpoint = located.endpoint();
	} catch (err) {
		return rejections.backendError(`cannot resolve server ${instance.serverId}: ${err instanceof Error ? err.message : String(err)}`);
	}
	return {
		ok: true,
		grant: {
			user: { id: owner.userId, email: owner.email },
			keyFingerprint: credential.kind === 'key' ? credential.fingerprint : null,
			browserSessionId: credential.kind === 'user' ? credential.browserSessionId : null,
			org: { id: instance.orgId },
			instance,
			endpoint,
			clientIp: request.clientIp,
			transport: request.transport,
			clientSoftware: request.clientSoftware ?? null
		}
	};
}
