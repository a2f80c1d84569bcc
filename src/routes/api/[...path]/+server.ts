import type { RequestHandler } from './$types';
import { errorJson } from '$lib/server/http/json';

/** Any /api path without a handler of its own: a JSON 404 rather than an HTML page. */
const notFound: RequestHandler = ({ url }) => errorJson('not_found', `No route for ${url.pathname}`, 404);

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
