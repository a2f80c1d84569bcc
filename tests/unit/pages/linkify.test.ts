/** Mail bodies on the outbox page: URLs become links, everything else stays text. */
import { describe, expect, it } from 'vitest';
import { linkSegments } from '../../../src/lib/linkify';

describe('linkSegments', () => {
	it('turns http and https URLs into links and keeps the text around them', () => {
		const body = 'Reset it here:\nhttp://localhost:3000/reset-password?token=abc_DEF-123\n\nIgnore this mail otherwise.';
		expect(linkSegments(body)).toEqual([
			{ text: 'Reset it here:\n' },
			{ text: 'http://localhost:3000/reset-password?token=abc_DEF-123', href: 'http://localhost:3000/reset-password?token=abc_DEF-123' },
			{ text: '\n\nIgnore this mail otherwise.' }
		]);
	});

	it('leaves sentence punctuation out of the link', () => {
		expect(linkSegments('See https://ocore.example.com/invitations?token=x. Or (https://a.test/b).')).toEqual([
			{ text: 'See ' },
			{ text: 'https://ocore.example.com/invitations?token=x', href: 'https://ocore.example.com/invitations?token=x' },
			{ text: '. Or (' },
			{ text: 'https://a.test/b', href: 'https://a.test/b' },
			{ text: ').' }
		]);
	});

	it('never makes a link of anything but http and https, and never of markup', () => {
		for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://host/file', 'mailto:a@b.test', '<a href="x">x</a>']) {
			expect(linkSegments(text)).toEqual([{ text }]);
		}
		// Quotes and angle brackets end a URL, so markup around one cannot leak into the href.
		expect(linkSegments('<a href="https://a.test/x">y</a>')).toEqual([
			{ text: '<a href="' },
			{ text: 'https://a.test/x', href: 'https://a.test/x' },
			{ text: '">y</a>' }
		]);
		expect(linkSegments('')).toEqual([]);
		expect(linkSegments('http://')).toEqual([{ text: 'http://' }]);
	});
});
