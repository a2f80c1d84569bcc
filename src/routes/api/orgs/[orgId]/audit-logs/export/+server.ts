/**
 * REST: an org's audit log as a download, streamed: ?format=csv|ndjson plus the list's filters
 * (actor, action, from, to). Each batch is read through the same procedure as the list, so the one
 * permission gate (view:audit_logs) decides, outsiders get 404 and other members 403, exactly as for
 * GET /api/orgs/{orgId}/audit-logs.
 */
import type { RequestHandler } from './$types';
import { auditExportStream, AUDIT_EXPORT_BATCH_SIZE, AUDIT_EXPORT_CONTENT_TYPES, exportFilename } from '$lib/server/audit/export';
import { auditExportFormat } from '$lib/server/audit/schemas';
import { errorJson, rest } from '$lib/server/http/json';
import { validatedByProcedure } from '$lib/server/http/json-object';
import { logger } from '$lib/server/logger';
import { callerFor } from '$lib/server/trpc/caller';

const FILTERS = ['actor', 'action', 'from', 'to'];

export const GET: RequestHandler = rest(async ({ locals, params, url }) => {
	// Empty parameters (`?actor=`) mean "no filter"; paging parameters are the export's own business.
	const filters = Object.fromEntries([...url.searchParams].filter(([name, value]) => FILTERS.includes(name) && value !== ''));
	const caller = callerFor(locals);
	const read = (cursor?: string) =>
		caller.audit.list(validatedByProcedure({ ...filters, orgId: params.orgId, limit: AUDIT_EXPORT_BATCH_SIZE, cursor }));
	// The first batch before any byte: a refusal or a bad filter is an HTTP error, not a broken file.
	const first = await read();
	const format = auditExportFormat.safeParse(url.searchParams.get('format') || undefined);
	if (!format.success) return errorJson('invalid_request', format.error.issues[0]?.message ?? 'format is not valid', 400);

	const org = (await caller.orgs.list()).find((o) => o.id === params.orgId);
	const filename = exportFilename(org?.slug ?? 'org', format.data, locals.app.clock.now());
	const body = auditExportStream(format.data, first, read, (err) =>
		logger.error('audit export failed mid-stream', { orgId: params.orgId, error: err instanceof Error ? err.message : typeof err })
	);
	return new Response(body, {
		headers: {
			'content-type': AUDIT_EXPORT_CONTENT_TYPES[format.data],
			'content-disposition': `attachment; filename="${filename}"`,
			'cache-control': 'no-store'
		}
	});
});
