/**
 * A child process of `npm run bench:terminal`: opens one idle browser terminal per ticket of each
 * JSON line on stdin (`{url, origin, cookie, tickets}`), prints `open N` once a line's N are open, and
 * keeps them until killed. Outside the server's process, so the server's memory reading holds only the server.
 */
import { WebSocket } from 'ws';

type Batch = { url: string; origin: string; cookie: string; tickets: string[] };

const sockets: WebSocket[] = [];

function open(batch: Batch): Promise<WebSocket[]> {
	return Promise.all(
		batch.tickets.map(
			(ticket) =>
				new Promise<WebSocket>((resolve, reject) => {
					const ws = new WebSocket(`${batch.url}?ticket=${encodeURIComponent(ticket)}&cols=80&rows=24`, { origin: batch.origin, headers: { cookie: batch.cookie } });
					ws.once('open', () => resolve(ws));
					ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
					ws.once('error', reject);
				})
		)
	);
}

// One JSON batch per line; after each, `open N` with the batch's size.
let pending = '';
process.stdin.on('data', (data: Buffer) => {
	pending += data.toString();
	let newline: number;
	while ((newline = pending.indexOf('\n')) >= 0) {
		const batch = JSON.parse(pending.slice(0, newline)) as Batch;
		pending = pending.slice(newline + 1);
		open(batch).then(
			(opened) => {
				sockets.push(...opened);
				process.stdout.write(`open ${opened.length}\n`);
			},
			(err: Error) => {
				process.stderr.write(`${err.message}\n`);
				process.exit(1);
			}
		);
	}
});
setInterval(() => {}, 1 << 30);
