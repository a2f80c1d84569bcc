/** A server-side caller for loads, actions and the REST facade: same procedures, no HTTP. */
import { createContextInner, type TrpcContext } from './init';
import { createCaller } from './root';

export function callerFor(locals: Pick<TrpcContext, 'app' | 'auth' | 'request'>) {
	return createCaller(createContextInner({ app: locals.app, auth: locals.auth, request: locals.request }));
}
