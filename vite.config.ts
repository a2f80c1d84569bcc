import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	build: {
		rolldownOptions: {
			// Rolldown's [PLUGIN_TIMINGS] report (which plugin callbacks were slow) is a profiling aid, printed
			// as a warning after every build; it says nothing about the output. Warnings and errors still show.
			checks: { bundlerTimings: false }
		}
	},
	test: {
		testTimeout: 30_000,
		hookTimeout: 120_000,
		pool: 'forks',
		projects: [
			{ extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					exclude: ['tests/integration/rest/**', 'tests/integration/ssh/**']
				}
			},
			{
				extends: true,
				test: {
					name: 'rest',
					include: ['tests/integration/rest/**/*.test.ts'],
					// Starts the built server (src/server.ts over build/) once for the HTTP-level tests.
					globalSetup: ['tests/helpers/global-setup.ts']
				}
			},
			{
				extends: true,
				test: {
					name: 'ssh',
					include: ['tests/integration/ssh/**/*.test.ts'],
					// One shipped server with the SSH gateway for the whole project; stock OpenSSH clients
					// against real containers, one file at a time (limits and timings are per user and real).
					globalSetup: ['tests/helpers/ssh-global-setup.ts'],
					fileParallelism: false,
					testTimeout: 180_000,
					hookTimeout: 300_000
				}
			}
		]
	}
});
