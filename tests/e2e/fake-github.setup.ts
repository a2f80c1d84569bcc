/**
 * Playwright globalSetup: a tiny server posing as GitHub's `https://github.com/<username>.keys` on
 * OCORE_E2E_GITHUB_URL (fixed in playwright.config.ts, because the web server starts before this
 * setup and is pointed at it through GITHUB_KEYS_BASE_URL). It serves `<username>.keys` files from
 * OCORE_E2E_GITHUB_DIR, which the tests write to (tests/e2e/ssh-keys.spec.ts); unknown users
 * answer 404, as GitHub does.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';

const USERNAME = /^\/([A-Za-z0-9-]{1,39})\.keys$/;

export default async function startFakeGithub(): Promise<() => Promise<void>> {
	const dir = process.env.OCORE_E2E_GITHUB_DIR!;
	const url = new URL(process.env.OCORE_E2E_GITHUB_URL!);
	const server = createServer(async (req, res) => {
		const user = USERNAME.exec(new URL(req.url ?? '/', url).pathname)?.[1];
		const text = req.method === 'GET' && user ? await readFile(path.join(dir, `${user.toLowerCase()}.keys`), 'utf8').catch(() => null) : null;
		if (text === null) return res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
		res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(Number(url.port), url.hostname, resolve);
	});
	return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
