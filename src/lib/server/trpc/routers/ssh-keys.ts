/**
 * SSH keys. A user's own keys are their own business: any signed-in user may list, add, delete and
 * import them, before joining any org (protectedProcedure; every service query is scoped to the
 * caller). Org admins may list their members' key fingerprints: `view:ssh_keys` in that org.
 */
import { importGithubKeys } from '../../ssh-keys/import-github';
import { listOrgMemberKeys } from '../../ssh-keys/lookup';
import { addSshKeyInput, deleteSshKeyInput, importGithubInput } from '../../ssh-keys/schemas';
import { addSshKey, deleteSshKey, listSshKeys } from '../../ssh-keys/service';
import { orgProcedure, protectedProcedure, router } from '../init';
import { actingUserOf } from './orgs';

export const sshKeysRouter = router({
	list: protectedProcedure.query(({ ctx }) => listSshKeys(ctx.app, ctx.auth.user.id)),
	add: protectedProcedure.input(addSshKeyInput).mutation(({ ctx, input }) => addSshKey(ctx.app, actingUserOf(ctx), input)),
	delete: protectedProcedure
		.input(deleteSshKeyInput)
		.mutation(({ ctx, input }) => deleteSshKey(ctx.app, actingUserOf(ctx), input.keyId)),
	importGithub: protectedProcedure
		.input(importGithubInput)
		.mutation(({ ctx, input }) => importGithubKeys(ctx.app, actingUserOf(ctx), input.githubUsername)),
	orgMemberKeys: orgProcedure
		.meta({ permission: 'view:ssh_keys' })
		.query(({ ctx, input }) => listOrgMemberKeys(ctx.app, input.orgId))
});
