/**
 * The documented REST contract for organizations, members and the audit log, over real HTTP against
 * the built server: each success with the refusals beside it (401, 404 for outsiders, 403 naming the
 * permission, 400 naming the field, 409).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../helpers/app';
import { api, inviteAndAccept, signUpAndLogin } from '../../helpers/http';
import { uniqueSlug } from '../../helpers/orgs';

type Account = Awaited<ReturnType<typeof signUpAndLogin>>;
let owner: Account;
let viewer: Account;
let outsider: Account;
let orgId: string;

beforeAll(async () => {
	[owner, viewer, outsider] = await Promise.all([
		signUpAndLogin(uniqueEmail('owner')),
		signUpAndLogin(uniqueEmail('viewer')),
		signUpAndLogin(uniqueEmail('outsider'))
	]);
	const created = await api('POST', '/api/orgs', { token: owner.accessToken, body: { name: 'Rest Co', slug: uniqueSlug('rest') } });
	orgId = created.body.id;
	const added = await inviteAndAccept(orgId, owner.accessToken, { token: viewer.accessToken, email: viewer.user.email }, 'Viewer');
	if (added.status !== 200) throw new Error(`setup failed: ${added.status} ${JSON.stringify(added.body)}`);
});

const unauthorized = { status: 401, body: { error: 'unauthorized', message: 'Sign in to continue' } };
const notFound = { status: 404, body: { error: 'not_found', message: 'Organization not found' } };

describe('POST /api/orgs and GET /api/orgs', () => {
	it('creates an org (201, caller is owner) and lists it with role and ownership', async () => {
		const slug = uniqueSlug('acme');
		const created = await api('POST', '/api/orgs', { token: owner.accessToken, body: { name: 'Acme', slug } });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ name: 'Acme', slug, role: 'Admin', isOwner: true });
		expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
		const listed = await api('GET', '/api/orgs', { token: owner.accessToken });
		expect(listed.status).toBe(200);
		expect(listed.body.orgs).toEqual(
			expect.arrayContaining([expect.objectContaining({ id: created.body.id, slug, role: 'Admin', isOwner: true })])
		);
		const viewerList = await api('GET', '/api/orgs', { token: viewer.accessToken });
		expect(viewerList.body.orgs).toEqual([expect.objectContaining({ id: orgId, role: 'Viewer', isOwner: false })]);
	});

	it('refuses anonymous callers (401), a taken slug (409) and bad bodies (400 naming the field, 413)', async () => {
		expect(await api('POST', '/api/orgs', { body: { name: 'X', slug: uniqueSlug() } })).toMatchObject(unauthorized);
		expect(await api('GET', '/api/orgs')).toMatchObject(unauthorized);
		const slug = uniqueSlug('dup');
		await api('POST', '/api/orgs', { token: owner.accessToken, body: { name: 'One', slug } });
		expect(await api('POST', '/api/orgs', { token: outsider.accessToken, body: { name: 'Two', slug } })).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: `The slug "${slug}" is already taken` }
		});
		const token = owner.accessToken;
		expect(await api('POST', '/api/orgs', { token, body: { name: 'Bad', slug: 'Bad Slug' } })).toMatchObject({
			status: 400,
			body: {
				error: 'invalid_request',
				message: 'slug: Slug may contain only lowercase letters, digits and dashes, and must start and end with a letter or digit'
			}
		});
		expect(await api('POST', '/api/orgs', { token, body: { slug: uniqueSlug() } })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'name: Name is required' }
		});
		expect(await api('POST', '/api/orgs', { token, rawBody: '{"name": "Broken",' })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'Request body is not valid JSON' }
		});
		expect(await api('POST', '/api/orgs', { token, body: ['not', 'an', 'object'] })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'body: Request body must be a JSON object' }
		});
		const huge = await api('POST', '/api/orgs', { token, body: { name: 'x'.repeat(70 * 1024), slug: uniqueSlug() } });
		expect(huge).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
	});
});

describe('/api/orgs/{orgId}/members', () => {
	it('lists members for a member; refuses outsiders (404), anonymous callers (401) and a bad org id (400)', async () => {
		const listed = await api('GET', `/api/orgs/${orgId}/members`, { token: viewer.accessToken });
		expect(listed.status).toBe(200);
		expect(listed.body.members.map((m: { email: string; role: string }) => [m.email, m.role]).sort()).toEqual(
			[
				[owner.user.email, 'Admin'],
				[viewer.user.email, 'Viewer']
			].sort()
		);
		expect(await api('GET', `/api/orgs/${orgId}/members`, { token: outsider.accessToken })).toMatchObject(notFound);
		expect(await api('GET', `/api/orgs/${crypto.randomUUID()}/members`, { token: owner.accessToken })).toMatchObject(notFound);
		expect(await api('GET', `/api/orgs/${orgId}/members`)).toMatchObject(unauthorized);
		expect(await api('GET', '/api/orgs/not-a-uuid/members', { token: owner.accessToken })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'orgId: Invalid UUID' }
		});
	});

	it('invites (201 {invitation}) and refuses a viewer (403), an outsider (404) and bad bodies (400/404/409)', async () => {
		const newcomer = await signUpAndLogin(uniqueEmail('newcomer'));
		const path = `/api/orgs/${orgId}/members`;
		const body = { email: newcomer.user.email, role: 'Developer' };
		expect(await api('POST', path, { token: viewer.accessToken, body })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: manage:members' }
		});
		expect(await api('POST', path, { token: outsider.accessToken, body })).toMatchObject(notFound);
		expect(await api('POST', path, { body })).toMatchObject(unauthorized);
		expect(await api('POST', path, { token: owner.accessToken, body: { email: newcomer.user.email } })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'role: Role is required' }
		});
		expect(await api('POST', path, { token: owner.accessToken, body: { email: 'nope', role: 'Viewer' } })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'email: Invalid email address' }
		});
		expect(await api('POST', path, { token: owner.accessToken, body: { email: newcomer.user.email, role: 'Wizard' } })).toMatchObject({
			status: 404,
			body: { error: 'not_found', message: 'Role not found: Wizard' }
		});

		const invited = await api('POST', path, { token: owner.accessToken, body });
		expect(invited.status).toBe(201);
		expect(invited.body).toEqual({
			invitation: {
				id: expect.any(String),
				orgId,
				orgName: 'Rest Co',
				email: newcomer.user.email,
				roleId: expect.any(String),
				role: 'Developer',
				status: 'pending',
				expiresAt: expect.any(String),
				createdAt: expect.any(String),
				invitedBy: { name: 'Test User', email: owner.user.email }
			}
		});
		expect(await api('POST', path, { token: owner.accessToken, body })).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: 'That address already has a pending invitation; resend it instead' }
		});
		await api('POST', `/api/user/invitations/${invited.body.invitation.id}/accept`, { token: newcomer.accessToken });
		expect(await api('POST', path, { token: owner.accessToken, body })).toMatchObject({
			status: 409,
			body: { error: 'conflict', message: 'That user is already a member' }
		});
	});

	it('takes the org from the path, never from a body field', async () => {
		const other = await api('POST', '/api/orgs', { token: outsider.accessToken, body: { name: 'Mine', slug: uniqueSlug('mine') } });
		const someone = await signUpAndLogin(uniqueEmail('someone'));
		const added = await api('POST', `/api/orgs/${other.body.id}/members`, {
			token: outsider.accessToken,
			body: { email: someone.user.email, role: 'Viewer', orgId }
		});
		expect(added).toMatchObject({ status: 201, body: { invitation: { orgId: other.body.id } } });
		const inTarget = await api('GET', `/api/orgs/${orgId}/members`, { token: owner.accessToken });
		expect(inTarget.body.members.map((m: { userId: string }) => m.userId)).not.toContain(someone.user.id);
	});
});

describe('PATCH and DELETE /api/orgs/{orgId}/members/{userId}', () => {
	it('changes a role (200) and removes a member (204), with every refusal beside them', async () => {
		const member = await signUpAndLogin(uniqueEmail('member'));
		await inviteAndAccept(orgId, owner.accessToken, { token: member.accessToken, email: member.user.email }, 'Viewer');
		const path = `/api/orgs/${orgId}/members/${member.user.id}`;

		expect(await api('PATCH', path, { token: viewer.accessToken, body: { role: 'Admin' } })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: manage:members' }
		});
		expect(await api('PATCH', path, { token: outsider.accessToken, body: { role: 'Admin' } })).toMatchObject(notFound);
		expect(await api('PATCH', path, { body: { role: 'Admin' } })).toMatchObject(unauthorized);
		expect(await api('PATCH', path, { token: owner.accessToken, body: {} })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'role: Role is required' }
		});
		expect(await api('PATCH', path, { token: owner.accessToken, body: { role: 'Wizard' } })).toMatchObject({
			status: 404,
			body: { error: 'not_found', message: 'Role not found: Wizard' }
		});
		expect(await api('PATCH', `/api/orgs/${orgId}/members/nope`, { token: owner.accessToken, body: { role: 'Viewer' } })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'userId: userId must be a UUID' }
		});
		const changed = await api('PATCH', path, { token: owner.accessToken, body: { role: 'Developer' } });
		expect(changed).toMatchObject({ status: 200, body: { userId: member.user.id, role: 'Developer' } });

		expect(await api('DELETE', path, { token: viewer.accessToken })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: manage:members' }
		});
		expect(await api('DELETE', path, { token: outsider.accessToken })).toMatchObject(notFound);
		const removed = await api('DELETE', path, { token: owner.accessToken });
		expect([removed.status, removed.body]).toEqual([204, null]);
		expect(await api('DELETE', path, { token: owner.accessToken })).toMatchObject({
			status: 404,
			body: { error: 'not_found', message: 'Member not found' }
		});
		expect(await api('DELETE', `/api/orgs/${orgId}/members/${owner.user.id}`, { token: owner.accessToken })).toMatchObject({
			status: 409,
			body: {
				error: 'conflict',
				message: 'You are the last owner of this organization: transfer ownership to another member or delete the organization first'
			}
		});
	});
});

describe('GET /api/orgs/{orgId}/audit-logs', () => {
	it('returns the log newest first with filters and a cursor, with the client address recorded', async () => {
		const ip = '203.0.113.77';
		const someone = await signUpAndLogin(uniqueEmail('audited'));
		const invited = await api('POST', `/api/orgs/${orgId}/members`, {
			token: owner.accessToken,
			ip,
			body: { email: someone.user.email, role: 'Viewer' },
			headers: { 'user-agent': 'rest-test/1.0' }
		});
		const invitationId = invited.body.invitation.id;
		const all = await api('GET', `/api/orgs/${orgId}/audit-logs`, { token: owner.accessToken });
		expect(all.status).toBe(200);
		expect(all.body.items[0]).toMatchObject({
			action: 'member.invited',
			actorUserId: owner.user.id,
			actorEmail: owner.user.email,
			targetId: invitationId,
			ipAddress: ip,
			userAgent: 'rest-test/1.0'
		});
		const seqs = all.body.items.map((r: { seq: number }) => r.seq);
		expect(seqs).toEqual([...seqs].sort((a, b) => b - a));

		const added = await api('GET', `/api/orgs/${orgId}/audit-logs?action=member.invited&actor=${encodeURIComponent(owner.user.email)}&limit=1`, {
			token: owner.accessToken
		});
		expect(added.body.items).toHaveLength(1);
		expect(added.body.items[0].targetId).toBe(invitationId);
		expect(added.body.nextCursor).toBe(String(added.body.items[0].seq));
		const next = await api('GET', `/api/orgs/${orgId}/audit-logs?action=member.invited&limit=1&cursor=${added.body.nextCursor}&from=`, {
			token: owner.accessToken
		});
		expect(next.body.items[0].seq).toBeLessThan(added.body.items[0].seq);
		const future = await api('GET', `/api/orgs/${orgId}/audit-logs?from=2999-01-01T00:00:00Z`, { token: owner.accessToken });
		expect(future).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
	});

	it('needs view:audit_logs (403 for a Viewer), hides the org from outsiders and validates the query', async () => {
		const path = `/api/orgs/${orgId}/audit-logs`;
		expect(await api('GET', path, { token: viewer.accessToken })).toMatchObject({
			status: 403,
			body: { error: 'forbidden', message: 'Permission denied: view:audit_logs' }
		});
		expect(await api('GET', path, { token: outsider.accessToken })).toMatchObject(notFound);
		expect(await api('GET', path)).toMatchObject(unauthorized);
		expect(await api('GET', `${path}?limit=500`, { token: owner.accessToken })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'limit: limit must be at most 200' }
		});
		expect(await api('GET', `${path}?to=someday`, { token: owner.accessToken })).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', message: 'to: to must be a date-time (ISO 8601)' }
		});
	});
});
