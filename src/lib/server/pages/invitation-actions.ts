/**
 * The Accept and Decline form actions, shared by the dashboard and the page behind a mailed link.
 * The procedures find the invitation by the signed-in user's email, so a forged id is not found.
 */
import { redirect, type RequestEvent } from '@sveltejs/kit';
import { invitationInput } from '../orgs/schemas';
import { callerFor } from '../trpc/caller';
import { failFrom, formValues, parseForm } from './form';
import { requireAuth } from './guard';

/** Accepting lands on the org's page: the user is a member now. */
export async function acceptInvitationAction({ request, locals, url }: RequestEvent) {
	requireAuth(locals, url);
	const parsed = parseForm(invitationInput, formValues(await request.formData()), 'accept');
	if (!parsed.ok) return parsed.failure;
	let orgId: string;
	try {
		({ orgId } = await callerFor(locals).invitations.accept(parsed.data));
	} catch (err) {
		return failFrom(err, { action: 'accept' });
	}
	redirect(303, `/orgs/${orgId}`);
}

export async function declineInvitationAction({ request, locals, url }: RequestEvent) {
	requireAuth(locals, url);
	const parsed = parseForm(invitationInput, formValues(await request.formData()), 'decline');
	if (!parsed.ok) return parsed.failure;
	try {
		await callerFor(locals).invitations.decline(parsed.data);
	} catch (err) {
		return failFrom(err, { action: 'decline' });
	}
	return { action: 'decline', notice: 'Invitation declined. You were not added to the organization.' };
}
