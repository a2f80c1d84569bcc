/** Human-readable device, browser and OS from a user agent, parsed by ua-parser-js (MIT, v1). */
import { UAParser } from 'ua-parser-js';

/** What the Sessions page draws an icon for: a computer, a phone or tablet, or a command-line/API client. */
export type DeviceType = 'desktop' | 'phone' | 'tablet' | 'cli' | 'unknown';

export type DeviceDescription = {
	device: string;
	browser: string;
	os: string;
	deviceType: DeviceType;
	/** One line a person recognises: "Chrome on macOS", "Safari on iOS", "curl 8.5.0", "oCore CLI 0.1.0". */
	summary: string;
};

const OS_NAMES: Record<string, string> = { 'Mac OS': 'macOS', 'Chromium OS': 'ChromeOS' };

export function describeUserAgent(userAgent: string | null): DeviceDescription {
	if (!userAgent) return { device: 'Unknown device', browser: 'Unknown', os: 'Unknown', deviceType: 'unknown', summary: 'Unknown device' };
	const r = new UAParser(userAgent).getResult();
	const browser = r.browser.name ? `${r.browser.name}${r.browser.major ? ' ' + r.browser.major : ''}` : clientName(userAgent);
	const os = r.os.name ? `${r.os.name}${r.os.version ? ' ' + r.os.version : ''}` : 'Unknown';
	const kind = r.device.type ? capitalise(r.device.type) : 'Desktop';
	const model = [r.device.vendor, r.device.model].filter(Boolean).join(' ');
	const device = model ? `${kind} (${model})` : r.os.name ? `${kind} (${r.os.name})` : browser === 'Unknown' ? 'Unknown device' : 'API client';
	if (!r.browser.name && !r.os.name) {
		const known = browser !== 'Unknown';
		return { device, browser, os, deviceType: known ? 'cli' : 'unknown', summary: known ? browser : 'Unknown device' };
	}
	const deviceType: DeviceType = r.device.type === 'mobile' ? 'phone' : r.device.type === 'tablet' ? 'tablet' : 'desktop';
	return { device, browser, os, deviceType, summary: summarise(r.browser.name, r.os.name) };
}

function summarise(browserName: string | undefined, osName: string | undefined): string {
	// "Mobile Safari" and "Mobile Chrome" are the browsers people know without the prefix.
	const browser = browserName?.replace(/^Mobile /, '') ?? 'Unknown browser';
	return osName ? `${browser} on ${OS_NAMES[osName] ?? osName}` : browser;
}

/** curl/8.5, ocore-cli/1.0 and the like: show the client's name rather than "Unknown". */
function clientName(userAgent: string): string {
	const m = userAgent.match(/^([A-Za-z][\w.-]*)\/([\w.]+)/);
	if (!m) return 'Unknown';
	return `${m[1]!.toLowerCase() === 'ocore-cli' ? 'oCore CLI' : m[1]} ${m[2]}`;
}

function capitalise(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}
