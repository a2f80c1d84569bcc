import type { AppContext } from '$lib/server/app-context';
import type { AuthState, RequestMeta } from '$lib/server/auth/types';
import type { SessionEndReason } from '$lib/server/db/schema';

declare global {
	namespace App {
		interface Locals {
			app: AppContext;
			auth: AuthState | null;
			request: RequestMeta;
			/** Why this browser's session cookie stopped working, when it was ended on purpose elsewhere. */
			signedOut: SessionEndReason | null;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
