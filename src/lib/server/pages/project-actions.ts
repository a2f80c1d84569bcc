/**
 * The form actions of an org's Projects page: create, rename and delete projects and environments.
 * Each goes through the projects procedures, which check manage:instances in the record's own org;
 * the record must also belong to the org in the URL, so a page of one org never acts on another
 * org's project (a member of both would otherwise pass the procedure's check). Failures carry the
 * record's id in `values`, so the page shows the message beside the card or row it is about.
 */
import { fail, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import type { z } from 'zod';
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
type Caller = ReturnType<typeof callerFor>;

/** The org of the URL, the submitted fields, and which of the org's ids exist (for the ownership check). */
async function begin(event: OrgEvent) {
	requireAuth(event.locals, event.url);
	const org = await orgFromParam(event.locals, event.params.org);
	const values = formValues(await event.request.formData());
	return { org, values, caller: callerFor(event.locals) };
}

type OrgIds = { projects: Set<string>; environments: Set<string> };

async function idsOfOrg(caller: Caller, orgId: string): Promise<OrgIds> {
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

/**
 * One form action: parse the fields, check that the addressed record is the URL org's (`owns`), run
 * the procedure, and answer a notice or the failure beside the record.
 */
function projectAction<S extends z.ZodType>(
	action: string,
	schema: S,
	run: (caller: Caller, input: z.infer<S>, orgId: string) => Promise<string>,
	owns?: { what: 'Project' | 'Environment'; id(input: z.infer<S>, ids: OrgIds): boolean }
) {
	return async (event: OrgEvent) => {
		const { org, values, caller } = await begin(event);
		const parsed = parseForm(schema, values, action);
		if (!parsed.ok) return parsed.failure;
		try {
			if (owns && !owns.id(parsed.data, await idsOfOrg(caller, org.id))) return notInOrg(action, owns.what, values);
			return { action, notice: await run(caller, parsed.data, org.id) };
		} catch (err) {
			// A taken name is said beside the name field (create, rename); a delete's 409 above its form.
			return failFrom(err, { action, values, field: action.startsWith('delete') ? undefined : fieldOf(err) });
		}
	};
}

const ownProject = { what: 'Project' as const, id: (i: { projectId: string }, ids: OrgIds) => ids.projects.has(i.projectId) };
const ownEnvironment = { what: 'Environment' as const, id: (i: { environmentId: string }, ids: OrgIds) => ids.environments.has(i.environmentId) };

export const createProjectAction = projectAction('createProject', createProjectInput, async (caller, input, orgId) => {
	const project = await caller.projects.create({ orgId, ...input });
	return `Project ${project.name} was created. Add its environments next.`;
});

export const renameProjectAction = projectAction(
	'renameProject',
	renameProjectInput,
	async (caller, input) => `The project is now called ${(await caller.projects.rename(input)).name}.`,
	ownProject
);

export const deleteProjectAction = projectAction(
	'deleteProject',
	projectIdInput,
	async (caller, input) => {
		await caller.projects.delete(input);
		return 'The project was deleted.';
	},
	ownProject
);

export const createEnvironmentAction = projectAction(
	'createEnvironment',
	createEnvironmentInput,
	async (caller, input) => `Environment ${(await caller.projects.environments.create(input)).name} was created.`,
	ownProject
);

export const renameEnvironmentAction = projectAction(
	'renameEnvironment',
	renameEnvironmentInput,
	async (caller, input) => `The environment is now called ${(await caller.projects.environments.rename(input)).name}.`,
	ownEnvironment
);

export const deleteEnvironmentAction = projectAction(
	'deleteEnvironment',
	environmentIdInput,
	async (caller, input) => {
		await caller.projects.environments.delete(input);
		return 'The environment was deleted.';
	},
	ownEnvironment
);
