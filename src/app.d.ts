import type { AppContext } from '$lib/server/app-context';
import type { AuthState, RequestMeta } from '$lib/server/auth/types';

declare global {
	namespace App {
		interface Locals {
			app: AppContext;
			auth: AuthState | null;
			request: RequestMeta;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
