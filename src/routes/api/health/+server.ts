import type { RequestHandler } from './$types';
import { json } from '$lib/server/http/json';

export const GET: RequestHandler = ({ locals }) => json({ status: 'ok', database: locals.app.dbHandle.driver });
