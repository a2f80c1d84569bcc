import { createCallerFactory, router } from './init';
import { adminRouter } from './routers/admin';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { instancesRouter } from './routers/instances';
import { orgsRouter } from './routers/orgs';
import { recordingsRouter } from './routers/recordings';
import { serversRouter } from './routers/servers';
import { sessionsRouter } from './routers/sessions';
import { sshKeysRouter } from './routers/ssh-keys';

export const appRouter = router({
	auth: authRouter,
	sessions: sessionsRouter,
	orgs: orgsRouter,
	audit: auditRouter,
	admin: adminRouter,
	sshKeys: sshKeysRouter,
	servers: serversRouter,
	instances: instancesRouter,
	recordings: recordingsRouter
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
