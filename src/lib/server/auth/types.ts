import type { Session } from '../db/schema';

/** The signed-in user as every front door sees it: never the password hash. */
export type AuthUser = {
	id: string;
	email: string;
	name: string;
	isPlatformAdmin: boolean;
	createdAt: Date;
};

export type AuthState = {
	user: AuthUser;
	session: Session;
	/** How this request proved who it is; only cookie-authenticated requests need the origin check. */
	via: 'cookie' | 'bearer';
};

/** What a request tells services about where it came from (for audit and rate limits). */
export type RequestMeta = {
	ipAddress: string;
	userAgent: string | null;
};
