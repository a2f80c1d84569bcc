/**
 * A child process of `npm run bench:terminal`: opens one idle browser terminal per ticket given on
 * stdin (JSON `{url, origin, cookie, tickets}`), prints `open N` once all are open, and keeps them
 * until killed. Outside the server's process, so the server's memory reading holds only the server.
 */
import { WebSocket } from 'ws';

const input = JSON.parse(await new Promise<string>((resolve) => {
	let text = '';
	process.stdin.on('data', (d) => (text += d));
	process.stdin.on('end', () => resolve(text));
})) as { url: string; origin: string; cookie: string; tickets: string[] };

const sockets = await Promise.all(
	input.tickets.map(
		(ticket) =>
			new Promise<WebSocket>((resolve, reject) => {
				const ws = new WebSocket(`${input.url}?ticket=${encodeURIComponent(ticket)}&cols=80&rows=24`, { origin: input.origin, headers: { cookie: input.cookie } });
				ws.once('open', () => resolve(ws));
				ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
				ws.once('error', reject);
			})
	)
);
process.stdout.write(`open ${sockets.length}\n`);
setInterval(() => {}, 1 << 30);
