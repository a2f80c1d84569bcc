/**
 * Splits plain text (a mail body) into text and link segments, so a page can render the links as <a>
 * elements and everything else as escaped text, never as HTML. Only http and https URLs become links;
 * trailing punctuation that ends a sentence ("see https://x.test/a.") stays text.
 */
export type TextSegment = { text: string; href?: undefined } | { text: string; href: string };

const URL_CANDIDATE = /https?:\/\/[^\s<>"']+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

function safeHref(candidate: string): string | null {
	try {
		const url = new URL(candidate);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
	} catch {
		return null;
	}
}

export function linkSegments(text: string): TextSegment[] {
	const segments: TextSegment[] = [];
	let plain = '';
	let last = 0;
	for (const match of text.matchAll(URL_CANDIDATE)) {
		const start = match.index;
		const url = match[0].replace(TRAILING_PUNCTUATION, '');
		const href = safeHref(url);
		if (!href) continue;
		plain += text.slice(last, start);
		if (plain) segments.push({ text: plain });
		plain = '';
		segments.push({ text: url, href });
		last = start + url.length;
	}
	plain += text.slice(last);
	if (plain) segments.push({ text: plain });
	return segments;
}
