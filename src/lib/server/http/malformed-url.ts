/** A path that does not percent-decode (`/api/%ff`) is the client's mistake: 400, never a server error. */
export function isMalformedPath(pathOrTarget: string): boolean {
	const pathname = pathOrTarget.split('?', 1)[0] ?? '';
	try {
		decodeURIComponent(pathname);
		return false;
	} catch {
		return true;
	}
}

export const MALFORMED_URL_MESSAGE = 'Malformed URL';
