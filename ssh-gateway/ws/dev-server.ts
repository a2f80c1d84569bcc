/**
 * `npm run dev`: the browser terminal's door inside Vite's dev server. vite.config.ts hands this module
 * (loaded through Vite, so it shares the app context with the SvelteKit pages) the upgrades for the
 * terminal path only; Vite's own hot-reload socket never reaches it. The gateway core is started once
 * per dev process, on first use, without the SSH listener (start the production server for port 2222).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { getAppContext } from '../../src/lib/server/app-context';
import { startGateway, type RunningGateway } from '../start';

const KEY = Symbol.for('ocore.dev.terminal-gateway');
type Holder = { [KEY]?: Promise<RunningGateway> };

function devGateway(): Promise<RunningGateway> {
	const holder = globalThis as Holder;
	holder[KEY] ??= getAppContext().then((app) => startGateway(app, { ssh: false }));
	return holder[KEY];
}

export async function handleDevUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
	const gateway = await devGateway();
	if (!gateway.terminal.handleUpgrade(req, socket, head)) socket.destroy();
}
