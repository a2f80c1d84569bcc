import { describe, expect, it } from 'vitest';
import { describeUserAgent } from '../../../src/lib/server/sessions/describe-device';

describe('device description from the user agent', () => {
	it('names browser, OS and device for real user agents', () => {
		expect(
			describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36')
		).toEqual({ device: 'Desktop (Windows)', browser: 'Chrome 131', os: 'Windows 10' });
		const iphone = describeUserAgent(
			'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'
		);
		expect(iphone.device).toBe('Mobile (Apple iPhone)');
		expect(iphone.browser).toBe('Mobile Safari 17');
	});

	it('names command-line clients and copes with nothing', () => {
		expect(describeUserAgent('curl/8.5.0')).toEqual({ device: 'API client', browser: 'curl 8.5.0', os: 'Unknown' });
		expect(describeUserAgent(null)).toEqual({ device: 'Unknown device', browser: 'Unknown', os: 'Unknown' });
	});
});
