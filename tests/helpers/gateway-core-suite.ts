/**
 * One gateway core fixture per test file: built before its tests, with a first core ready as `core`,
 * and closed after them. Used by the gateway core tests in tests/integration/gateway.
 */
import { afterAll, beforeAll } from 'vitest';
import type { GatewayCore } from '../../ssh-gateway/core/gateway';
import { coreFixture } from './gateway-core';

export type CoreSuite = Awaited<ReturnType<typeof coreFixture>> & { core: GatewayCore };

/** Call at the top of a test file; read the result inside tests only. */
export function useCoreSuite(): CoreSuite {
	// Filled in place: the file keeps this object from collection time, the fixture exists only once
	// beforeAll has run.
	const suite = {} as CoreSuite;
	beforeAll(async () => {
		const fixture = await coreFixture();
		Object.assign(suite, fixture, { core: fixture.makeCore() });
	});
	afterAll(() => suite.close());
	return suite;
}
