import { describe, expect, it } from 'vitest';
import { describeUserAgent } from '../../../src/lib/server/sessions/describe-device';

describe('device description from the user agent', () => {
	it('names browser, OS and device for real user agents', () => {
		expect(
			describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36')
		).toEqual({ device: 'Desktop (Windows)', browser: 'Chrome 131', os: 'Windows 10', deviceType: 'desktop', summary: 'Chrome on Windows' });
		const iphone = describeUserAgent(
			'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'
		);
		expect(iphone.device).toBe('Mobile (Apple iPhone)');
		expect(iphone.browser).toBe('Mobile Safari 17');
		expect([iphone.deviceType, iphone.summary]).toEqual(['phone', 'Safari on iOS']);
	});

	it('says "macOS", and tells a tablet from a phone', () => {
		const mac = describeUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36');
		expect([mac.deviceType, mac.summary]).toEqual(['desktop', 'Chrome on macOS']);
		const ipad = describeUserAgent('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1');
		expect(ipad.deviceType).toBe('tablet');
		const pixel = describeUserAgent('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36');
		expect([pixel.deviceType, pixel.summary]).toEqual(['phone', 'Chrome on Android']);
	});

	it('names command-line clients and copes with nothing', () => {
		expect(describeUserAgent('curl/8.5.0')).toEqual({ device: 'API client', browser: 'curl 8.5.0', os: 'Unknown', deviceType: 'cli', summary: 'curl 8.5.0' });
		expect(describeUserAgent('ocore-cli/0.1.0')).toMatchObject({ deviceType: 'cli', summary: 'oCore CLI 0.1.0' });
		expect(describeUserAgent(null)).toEqual({ device: 'Unknown device', browser: 'Unknown', os: 'Unknown', deviceType: 'unknown', summary: 'Unknown device' });
		expect(describeUserAgent('???')).toMatchObject({ deviceType: 'unknown', summary: 'Unknown device' });
	});
});
