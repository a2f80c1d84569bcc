import { fail } from '@sveltejs/kit';
import { failFrom, formValues, parseForm } from '$lib/server/pages/form';
import { requireAuth } from '$lib/server/pages/guard';
import { throwPageError } from '$lib/server/pages/load-error';
import { orgFromParam } from '$lib/server/pages/org-param';
import { createServerInput, serverIdInput } from '$lib/server/servers/schemas';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

/**
 * The org's Docker servers, never with their secrets (the service returns only whether one is
 * stored), and whether each engine answers now. servers.list checks view:instances, as the REST
 * route does: a member without it gets the 403 page. The local socket's path is offered only to
 * platform administrators, who alone may register it.
 */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	const auth = requireAuth(locals, url);
	const org = await orgFromParam(locals, params.org);
	const caller = callerFor(locals);
	try {
		const [servers, reachability] = await Promise.all([caller.servers.list({ orgId: org.id }), caller.servers.reachability({ orgId: org.id })]);
		return {
			servers,
			reachability: Object.fromEntries(reachability.map((r) => [r.serverId, r])),
			dockerSocketPath: auth.user.isPlatformAdmin ? locals.app.config.dockerSocketPath : null,
			now: new Date()
		};
	} catch (err) {
		throwPageError(err);
	}
};

/** Secrets never travel back to the page: the form empties these after any refusal. */
const SECRET_FIELDS = ['tlsKey', 'sshPrivateKey', 'sshPassword'];

/** The flat form as createServerInput's nested shape; blank optional fields are left out. */
function serverInputOf(values: Record<string, string>): Record<string, unknown> {
	const given = (name: string) => (values[name]?.trim() ? values[name] : undefined);
	const input: Record<string, unknown> = { name: values.name, kind: values.kind, endpoint: values.endpoint };
	if (values.kind === 'tcp') input.tls = { ca: given('tlsCa') ?? '', cert: given('tlsCert') ?? '', key: given('tlsKey') ?? '' };
	if (values.kind === 'ssh') {
		input.ssh = { privateKey: given('sshPrivateKey'), password: given('sshPassword'), hostKeyFingerprint: given('sshHostKeyFingerprint')?.trim() };
	}
	return input;
}

/** zod paths like tls.key name the form's flat field. */
const FIELD_OF: Record<string, string> = { tls: 'tlsKey', ssh: 'sshPrivateKey' };
function flatField(path: PropertyKey[]): string | undefined {
	const [head, leaf] = path;
	if (typeof head !== 'string') return undefined;
	if (typeof leaf === 'string') return `${head}${leaf[0]!.toUpperCase()}${leaf.slice(1)}`;
	return FIELD_OF[head] ?? head;
}

/** Only the plain fields go back to refill the form. */
function echoed(values: Record<string, string>) {
	const { name = '', kind = '', endpoint = '', tlsCa = '', tlsCert = '', sshHostKeyFingerprint = '' } = values;
	return { name, kind, endpoint, tlsCa, tlsCert, sshHostKeyFingerprint };
}

export const actions: Actions = {
	create: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		const orgId = (await orgFromParam(locals, params.org)).id;
		const values = formValues(await request.formData());
		const result = createServerInput.safeParse(serverInputOf(values));
		if (!result.success) {
			const issue = result.error.issues[0];
			return fail(400, {
				action: 'create',
				message: issue?.message ?? 'Invalid input',
				field: issue ? flatField(issue.path) : undefined,
				values: echoed(values),
				clear: SECRET_FIELDS
			});
		}
		try {
			const server = await callerFor(locals).servers.create({ orgId, ...result.data });
			return { action: 'create', notice: `Server ${server.name} was added.` };
		} catch (err) {
			return failFrom(err, { action: 'create', values: echoed(values), clear: SECRET_FIELDS });
		}
	},
	delete: async ({ request, locals, url, params }) => {
		requireAuth(locals, url);
		await orgFromParam(locals, params.org);
		const parsed = parseForm(serverIdInput, formValues(await request.formData()), 'delete');
		if (!parsed.ok) return parsed.failure;
		try {
			await callerFor(locals).servers.delete(parsed.data);
		} catch (err) {
			return failFrom(err, { action: 'delete' });
		}
		return { action: 'delete', notice: 'The server was removed.' };
	}
};
