/**
 * Policy: one request body limit for every door (REST, tRPC, form actions, any other route): 64 KiB.
 * Nothing oCore accepts comes near it (the largest field is an SSH public key of 16 KiB), so a larger
 * body is refused with 413 before it is read or parsed. Three places enforce the one number:
 * the node entry refuses a declared Content-Length over it, adapter-node's BODY_SIZE_LIMIT (set from it
 * by src/server.ts) cuts a streamed body at it, and readBodyBounded turns that cut, or its own count,
 * into AppError('payload_too_large') for the REST and tRPC doors.
 */
import { AppError } from '../errors';

export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

export function bodyTooLarge(): AppError {
	return new AppError('payload_too_large', `Request body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`);
}

/** adapter-node errors the body stream with a SvelteKitError whose status is 413; matched by shape, not class. */
function isTooLargeStreamError(err: unknown): boolean {
	return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 413;
}

/** The whole body as text, at most MAX_REQUEST_BODY_BYTES; every failure to read it is an AppError. */
export async function readBodyBounded(request: Request): Promise<string> {
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > MAX_REQUEST_BODY_BYTES) throw bodyTooLarge();
	if (!request.body) return '';
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		let chunk: ReadableStreamReadResult<Uint8Array>;
		try {
			chunk = await reader.read();
		} catch (err) {
			if (isTooLargeStreamError(err)) throw bodyTooLarge();
			throw new AppError('invalid_request', 'Request body could not be read');
		}
		if (chunk.done) break;
		total += chunk.value.byteLength;
		if (total > MAX_REQUEST_BODY_BYTES) {
			await reader.cancel();
			throw bodyTooLarge();
		}
		chunks.push(chunk.value);
	}
	return Buffer.concat(chunks).toString('utf8');
}
