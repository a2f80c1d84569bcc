import type { RequestHandler } from './$types';
import { json } from '$lib/server/http/json';
import { sshClientConfig } from '$lib/server/ssh-gateway/client-config';

/** Public: where SSH clients connect (used by `ocore ssh-config`). */
export const GET: RequestHandler = ({ locals }) => json(sshClientConfig(locals.app.config, locals.app.advertisedSshPort()));
