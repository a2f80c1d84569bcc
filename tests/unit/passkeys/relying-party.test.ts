/**
 * The relying party oCore is to WebAuthn: APP_URL's host name and origin, with the one development
 * allowance (another port of the same host, for `npm run dev`), and none in production or tests.
 */
import { describe, expect, it } from 'vitest';
import { relyingPartyOf } from '../../../src/lib/server/passkeys/relying-party';

const config = (env: 'development' | 'production' | 'test', appUrl: string) => ({ env, appUrl: new URL(appUrl) });

describe('relyingPartyOf', () => {
	it('is APP_URL\'s host name and origin', () => {
		expect(relyingPartyOf(config('production', 'https://ocore.example.com/'))).toEqual({ rpID: 'ocore.example.com', origin: 'https://ocore.example.com' });
		expect(relyingPartyOf(config('production', 'https://ocore.example.com:8443'), 'https://ocore.example.com:8443')).toEqual({
			rpID: 'ocore.example.com',
			origin: 'https://ocore.example.com:8443'
		});
	});

	it('expects APP_URL\'s origin whatever another page claims, outside development', () => {
		for (const env of ['production', 'test'] as const) {
			for (const presented of ['http://localhost:5173', 'https://evil.example', 'not a url']) {
				expect(relyingPartyOf(config(env, 'http://localhost:3000'), presented).origin).toBe('http://localhost:3000');
			}
		}
	});

	it('in development, accepts another port of the same host and scheme (npm run dev on :5173), nothing else', () => {
		const dev = config('development', 'http://localhost:3000');
		expect(relyingPartyOf(dev, 'http://localhost:5173')).toEqual({ rpID: 'localhost', origin: 'http://localhost:5173' });
		for (const presented of ['https://localhost:5173', 'http://evil.localhost:5173', 'http://127.0.0.1:5173', 'https://evil.example', 'garbage']) {
			expect(relyingPartyOf(dev, presented).origin).toBe('http://localhost:3000');
		}
	});
});
