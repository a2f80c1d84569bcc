import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { TERMINAL_PATH } from './src/lib/terminal/protocol.ts';

/**
 * `npm run dev` serves the browser terminal's WebSocket too: upgrades for TERMINAL_PATH go to the
 * terminal door (loaded through Vite, ssh-gateway/ws/dev-server.ts); every other upgrade, Vite's own
 * hot-reload socket among them, is left alone.
 */
function terminalSocketInDev(): Plugin {
	return {
		name: 'ocore-terminal-socket',
		configureServer(server) {
			server.httpServer?.on('upgrade', (req, socket, head) => {
				if (new URL(req.url ?? '/', 'http://dev.invalid').pathname !== TERMINAL_PATH) return;
				server
					.ssrLoadModule('/ssh-gateway/ws/dev-server.ts')
					.then((door) => door.handleDevUpgrade(req, socket, head))
					.catch((err: unknown) => {
						server.config.logger.error(`terminal socket: ${err instanceof Error ? err.message : String(err)}`);
						socket.destroy();
					});
			});
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), terminalSocketInDev()],
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
