/**
 * Cursor-paged lists (audit log, sessions): the current page's URL with its filters kept and one
 * paging parameter (`cursor` for older, `after` for newer), or none for the newest page.
 */
export function pageHref(url: URL, param?: 'cursor' | 'after', value?: string | null): string {
	const params = new URLSearchParams(url.searchParams);
	params.delete('cursor');
	params.delete('after');
	if (param && value) params.set(param, value);
	const query = params.toString();
	return query ? `?${query}` : url.pathname;
}
