/** Human-readable device, browser and OS from a user agent, parsed by ua-parser-js (MIT, v1). */
import { UAParser } from 'ua-parser-js';

export type DeviceDescription = { device: string; browser: string; os: string };

export function describeUserAgent(userAgent: string | null): DeviceDescription {
	if (!userAgent) return { device: 'Unknown device', browser: 'Unknown', os: 'Unknown' };
	const r = new UAParser(userAgent).getResult();
	const browser = r.browser.name ? `${r.browser.name}${r.browser.major ? ' ' + r.browser.major : ''}` : clientName(userAgent);
	const os = r.os.name ? `${r.os.name}${r.os.version ? ' ' + r.os.version : ''}` : 'Unknown';
	const kind = r.device.type ? capitalise(r.device.type) : 'Desktop';
	const model = [r.device.vendor, r.device.model].filter(Boolean).join(' ');
	const device = model ? `${kind} (${model})` : r.os.name ? `${kind} (${r.os.name})` : browser === 'Unknown' ? 'Unknown device' : 'API client';
	return { device, browser, os };
}

/** curl/8.5, oCore-CLI/1.0 and the like: show the client's name rather than "Unknown". */
function clientName(userAgent: string): string {
	const m = userAgent.match(/^([A-Za-z][\w.-]*)\/([\w.]+)/);
	return m ? `${m[1]} ${m[2]}` : 'Unknown';
}

function capitalise(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}
