/**
 * The form actions of an org's Projects page: create, rename and delete projects and environments.
 * Each goes through the projects procedures, which check manage:instances in the record's own org;
 * the record must also belong to the org in the URL, so a page of one org never acts on another
 * org's project (a member of both would otherwise pass the procedure's check). Failures carry the
 * record's id in `values`, so the page shows the message beside the card or row it is about.
 */
import { fail, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import {
	createEnvironmentInput,
	createProjectInput,
	environmentIdInput,
	projectIdInput,
	renameEnvironmentInput,
	renameProjectInput
} from '../projects/schemas';
import { callerFor } from '../trpc/caller';
import { failFrom, formValues, parseForm } from './form';
import { requireAuth } from './guard';
import { orgFromParam } from './org-param';

type OrgEvent = RequestEvent<{ org: string }>;

/** The org of the URL, the submitted fields, and which of the org's ids exist (for the ownership check). */
async function begin(event: OrgEvent) {
	requireAuth(event.locals, event.url);
	const org = await orgFromParam(event.locals, event.params.org);
	const values = formValues(await event.request.formData());
	return { org, values, caller: callerFor(event.locals) };
}

async function idsOfOrg(caller: ReturnType<typeof callerFor>, orgId: string) {
	const projects = await caller.projects.list({ orgId });
	return {
		projects: new Set(projects.map((p) => p.id)),
		environments: new Set(projects.flatMap((p) => p.environments.map((e) => e.id)))
	};
}

/** A taken name is said beside the name field; anything else above the form. */
const fieldOf = (err: unknown) => (err instanceof TRPCError && err.code === 'CONFLICT' ? 'name' : undefined);

const notInOrg = (action: string, what: 'Project' | 'Environment', values: Record<string, string>) =>
	fail(404, { action, message: `${what} not found`, values });

export async function createProjectAction(event: OrgEvent) {
	const { org, values, caller } = await begin(event);
	const parsed = parseForm(createProjectInput, values, 'createProject');
	if (!parsed.ok) return parsed.failure;
	try {
		const project = await caller.projects.create({ orgId: org.id, ...parsed.data });
		return { action: 'createProject', notice: `Project ${project.name} was created. Add its environments next.` };
	} catch (err) {
		return failFrom(err, { action: 'createProject', values, field: fieldOf(err) });
	}
}

export async function renameProjectAction(event: OrgEvent) {
	const { org, values, caller } = await begin(event);
	const parsed = parseForm(renameProjectInput, values, 'renameProject');
	if (!parsed.ok) return parsed.failure;
	try {
		if (!(await idsOfOrg(caller, org.id)).projects.has(parsed.data.projectId)) return notInOrg('renameProject', 'Project', values);
		const project = await caller.projects.rename(parsed.data);
		return { action: 'renameProject', notice: `The project is now called ${project.name}.` };
	} catch (err) {
		return failFrom(err, { action: 'renameProject', values, field: fieldOf(err) });
	}
}

export async function deleteProjectAction(event: OrgEvent) {
	const { org, values, caller } = await begin(event);
	const parsed = parseForm(projectIdInput, values, 'deleteProject');
	if (!parsed.ok) return parsed.failure;
	try {
		if (!(await idsOfOrg(caller, org.id)).projects.has(parsed.data.projectId)) return notInOrg('deleteProject', 'Project', values);
		await caller.projects.delete(parsed.data);
		return { action: 'deleteProject', notice: 'The project was deleted.' };
	} catch (err) {
		return failFrom(err, { action: 'deleteProject', values });
	}
}

export async function createEnvironmentAction(event: OrgEvent) {
	const { org, values, caller } = await begin(event);
	const parsed = parseForm(createEnvironmentInput, values, 'createEnvironment');
	if (!parsed.ok) return parsed.failure;
	try {
		if (!(await idsOfOrg(caller, org.id)).projects.has(parsed.data.projectId)) return notInOrg('createEnvironment', 'Project', values);
		const environment = await caller.projects.environments.create(parsed.data);
		return { action: 'createEnvironment', notice: `Environment ${environment.name} was created.` };
	} catch (err) {
		return failFrom(err, { action: 'createEnvironment', values, field: fieldOf(err) });
	}
}

export async function renameEnvironmentAction(event: OrgEvent) {
	const { org, values, caller } = await begin(event);
	const parsed = parseForm(renameEnvironmentInput, values, 'renameEnvironment');
	if (!parsed.ok) return parsed.failure;
	try {
		if (!(await idsOfOrg(caller, org.id)).environments.has(parsed.data.environmentId)) return notInOrg('renameEnvironment', 'Environment', values);
		const environment = await caller.projects.environments.rename(parsed.data);
		return { action: 'renameEnvironment', notice: `The environment is now called ${environment.name}.` };
	} catch (err) {
		return failFrom(err, { action: 'renameEnvironment', values, field: fieldOf(err) });
	}
}

export async function deleteEnvironmentAction(event: OrgEvent) {
	const { org, values, caller } = await begin(event);
	const parsed = parseForm(environmentIdInput, values, 'deleteEnvironment');
	if (!parsed.ok) return parsed.failure;
	try {
		if (!(await idsOfOrg(caller, org.id)).environments.has(parsed.data.environmentId)) return notInOrg('deleteEnvironment', 'Environment', values);
		await caller.projects.environments.delete(parsed.data);
		return { action: 'deleteEnvironment', notice: 'The environment was deleted.' };
	} catch (err) {
		return failFrom(err, { action: 'deleteEnvironment', values });
	}
}
