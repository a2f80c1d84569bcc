/**
 * Who this server is to WebAuthn.
 *
 * Policy: the RP ID is the host name of APP_URL and the origin accepted is APP_URL's origin, so a
 * passkey made here answers nowhere else and a response made for another site (or a look-alike host)
 * is refused. One exception, in development only (NODE_ENV=development): any port of APP_URL's own
 * host and scheme is accepted, so `npm run dev` on http://localhost:5173 works while APP_URL says
 * http://localhost:3000 (the RP ID, `localhost`, is the same). An IP address is not a valid RP ID
 * (browsers refuse it), so passkeys need APP_URL to name a host.
 */
import type { AppConfig } from '../config';

export const RP_NAME = 'oCore';
/** How long the browser prompt may stay open; the stored challenge lives as long (challenges.ts). */
export const CEREMONY_TIMEOUT_MS = 5 * 60 * 1000;

export type RelyingParty = { rpID: string; origin: string };

type RpConfig = Pick<AppConfig, 'appUrl' | 'env'>;

/** The RP ID, and the origin to expect of a response whose client data names `presentedOrigin`. */
export function relyingPartyOf(config: RpConfig, presentedOrigin?: string | null): RelyingParty {
	return { rpID: config.appUrl.hostname, origin: expectedOrigin(config, presentedOrigin ?? null) };
}

function expectedOrigin(config: RpConfig, presentedOrigin: string | null): string {
	const own = config.appUrl.origin;
	if (config.env !== 'development' || !presentedOrigin) return own;
	try {
		const presented = new URL(presentedOrigin);
		if (presented.hostname === config.appUrl.hostname && presented.protocol === config.appUrl.protocol) return presented.origin;
	} catch {
		// not a URL: the library refuses it against APP_URL's origin
	}
	return own;
}
