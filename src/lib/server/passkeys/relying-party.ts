/**
 * Who this server is to WebAuthn. Policy: the RP ID is the host name of APP_URL and the only origin
 * accepted is APP_URL's origin, so a passkey made here answers nowhere else and a response made for
 * another site (or a look-alike host) is refused. `npm run dev` on localhost works because localhost
 * is a valid RP ID; an IP address is not (browsers refuse it), so use a host name in APP_URL.
 */
import type { AppConfig } from '../config';

export const RP_NAME = 'oCore';
/** How long the browser prompt may stay open; the stored challenge lives as long (challenges.ts). */
export const CEREMONY_TIMEOUT_MS = 5 * 60 * 1000;

export type RelyingParty = { rpID: string; origin: string };

export function relyingPartyOf(config: Pick<AppConfig, 'appUrl'>): RelyingParty {
	return { rpID: config.appUrl.hostname, origin: config.appUrl.origin };
}
