/**
 * A local HTTP server posing as GitHub's `https://github.com/<username>.keys`, on 127.0.0.1 and a free
 * port. Tests register what a user's key list answers either in process (setKeys/setStatus) or over
 * HTTP (`PUT /<user>.keys` with the body, `PUT /<user>.status` with a status code; optional
 * `location` header for a 3xx), so a server started in another process can be pointed at it.
 * Unknown users answer 404, as GitHub does.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeGithub = {
	url: string;
	setKeys(username: string, text: string): void;
	setStatus(username: string, status: number, location?: string): void;
	/** Paths requested so far (GETs only). */
	requests: string[];
	close(): Promise<void>;
};

type Answer = { status: number; text: string; location?: string };

async function bodyOf(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeGithub(): Promise<FakeGithub> {
	const answers = new Map<string, Answer>();
	const requests: string[] = [];
	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://fake');
		const keys = /^\/([^/]+)\.keys$/.exec(url.pathname);
		const status = /^\/([^/]+)\.status$/.exec(url.pathname);
		if (req.method === 'PUT' && keys) {
			answers.set(keys[1]!.toLowerCase(), { status: 200, text: await bodyOf(req) });
			return res.writeHead(204).end();
		}
		if (req.method === 'PUT' && status) {
			const location = req.headers.location;
			answers.set(status[1]!.toLowerCase(), { status: Number(await bodyOf(req)), text: 'fake error\n', location: typeof location === 'string' ? location : undefined });
			return res.writeHead(204).end();
		}
		if (req.method === 'GET' && keys) {
			requests.push(url.pathname);
			// GitHub user names are case-insensitive.
			const answer = answers.get(keys[1]!.toLowerCase()) ?? { status: 404, text: 'Not Found' };
			const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
			if (answer.location) headers.location = answer.location;
			return res.writeHead(answer.status, headers).end(answer.text);
		}
		res.writeHead(404).end('Not Found');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		setKeys: (username, text) => answers.set(username.toLowerCase(), { status: 200, text }),
		setStatus: (username, status, location) => answers.set(username.toLowerCase(), { status, text: 'fake error\n', location }),
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

/** Registers a fake user's key list with a fake GitHub running in another process. */
export async function putFakeGithubKeys(fakeGithubUrl: string, username: string, text: string): Promise<void> {
	const res = await fetch(`${fakeGithubUrl}/${username}.keys`, { method: 'PUT', body: text });
	if (res.status !== 204) throw new Error(`fake GitHub refused keys for ${username}: ${res.status}`);
}

export async function putFakeGithubStatus(fakeGithubUrl: string, username: string, status: number, location?: string): Promise<void> {
	const res = await fetch(`${fakeGithubUrl}/${username}.status`, { method: 'PUT', body: String(status), headers: location ? { location } : {} });
	if (res.status !== 204) throw new Error(`fake GitHub refused status for ${username}: ${res.status}`);
}
