import { createCallerFactory, router } from './init';
import { accountRouter } from './routers/account';
import { adminRouter } from './routers/admin';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { instancesRouter } from './routers/instances';
import { invitationsRouter } from './routers/invitations';
import { orgsRouter } from './routers/orgs';
import { passkeysRouter } from './routers/passkeys';
import { projectsRouter } from './routers/projects';
import { recordingsRouter } from './routers/recordings';
import { securityLogRouter } from './routers/security-log';
import { serversRouter } from './routers/servers';
import { sessionsRouter } from './routers/sessions';
import { sshKeysRouter } from './routers/ssh-keys';
import { terminalRouter } from './routers/terminal';
import { twoFactorRouter } from './routers/two-factor';

export const appRouter = router({
	auth: authRouter,
	account: accountRouter,
	sessions: sessionsRouter,
	securityLog: securityLogRouter,
	orgs: orgsRouter,
	invitations: invitationsRouter,
	audit: auditRouter,
	admin: adminRouter,
	sshKeys: sshKeysRouter,
	passkeys: passkeysRouter,
	servers: serversRouter,
	projects: projectsRouter,
	instances: instancesRouter,
	recordings: recordingsRouter,
	terminal: terminalRouter,
	twoFactor: twoFactorRouter
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
