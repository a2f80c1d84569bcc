/**
 * The Create, Start, Stop and Forget form actions, shared by an org's Instances page and an
 * instance's own page. Each goes through the instances procedures, which check manage:instances in
 * the instance's org; the instance must also belong to the org in the URL, so a page of one org never
 * acts on another org's instance (a member of both would otherwise pass the procedure's check).
 */
import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { createInstanceInput, instanceSlugInput } from '../instances/schemas';
import { callerFor } from '../trpc/caller';
import { failFrom, formValues, parseForm } from './form';
import { requireAuth } from './guard';
import { orgFromParam } from './org-param';

type OrgEvent = RequestEvent<{ org: string }>;

/** Optional text fields left blank are absent, not empty strings (the schema refuses those). */
function withoutBlanks(values: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
}

export async function createInstanceAction({ request, locals, url, params }: OrgEvent) {
	requireAuth(locals, url);
	const orgId = (await orgFromParam(locals, params.org)).id;
	const values = formValues(await request.formData());
	const parsed = parseForm(createInstanceInput, withoutBlanks(values), 'create');
	if (!parsed.ok) return parsed.failure;
	try {
		const instance = await callerFor(locals).instances.create({ orgId, ...parsed.data });
		return { action: 'create', notice: `Instance ${instance.name} was created (${instance.status}).` };
	} catch (err) {
		return failFrom(err, { action: 'create', values });
	}
}

/** Parses the slug and checks the instance is this org's; another org's is "not found", as for outsiders. */
async function slugInOrg(event: OrgEvent, action: string) {
	requireAuth(event.locals, event.url);
	const org = await orgFromParam(event.locals, event.params.org);
	const parsed = parseForm(instanceSlugInput, formValues(await event.request.formData()), action);
	if (!parsed.ok) return { failure: parsed.failure };
	let instance;
	try {
		instance = await callerFor(event.locals).instances.get(parsed.data);
	} catch (err) {
		return { failure: failFrom(err, { action }) };
	}
	if (instance.orgId !== org.id) return { failure: fail(404, { action, message: 'Instance not found' }) };
	return { org, instance };
}

export function powerAction(verb: 'start' | 'stop') {
	return async (event: OrgEvent) => {
		const found = await slugInOrg(event, verb);
		if ('failure' in found) return found.failure;
		try {
			const caller = callerFor(event.locals).instances;
			const instance = await (verb === 'start' ? caller.start : caller.stop)({ slug: found.instance.slug });
			return { action: verb, notice: `${instance.name} is ${instance.status}.` };
		} catch (err) {
			return failFrom(err, { action: verb });
		}
	};
}

/** Forgetting leaves the container as it is. `redirectTo` is where to go once the instance is gone. */
export function forgetAction(redirectTo?: (orgSlug: string) => string) {
	return async (event: OrgEvent) => {
		const found = await slugInOrg(event, 'delete');
		if ('failure' in found) return found.failure;
		try {
			await callerFor(event.locals).instances.delete({ slug: found.instance.slug });
		} catch (err) {
			return failFrom(err, { action: 'delete' });
		}
		if (redirectTo) redirect(303, redirectTo(found.org.slug));
		return { action: 'delete', notice: `${found.instance.name} was forgotten; its container ${found.instance.container} was left as it is.` };
	};
}
