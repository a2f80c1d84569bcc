#!/usr/bin/env node
/**
 * `npm start`'s build step (package.json "prestart"): builds the dashboard only when its inputs
 * changed since the last build, and quietly, in one line.
 *
 * Stale or not is decided by content, not by dates: a SHA-256 over every input file's path and bytes
 * (src/, static/, the Vite, SvelteKit and TypeScript configs, package.json and the lockfile, this
 * script) is kept in build/.ocore-build-stamp after a successful build. A checkout or `touch` that
 * changes no byte does not rebuild; any changed, added or removed file does. The stamp is written only
 * after a build succeeds, so after a failed one the inputs still differ from it and the next start
 * builds again.
 *
 * Quiet: Vite runs with --logLevel warn (no chunk-size table). SvelteKit still prints its progress
 * on stdout ("Run npm run preview", wrong advice here, "> Using @sveltejs/adapter-node", "done"),
 * kept back unless the build fails. Warnings and errors on stderr are shown, except one known
 * harmless line: adapter-node bundles SvelteKit's env module into its own chunk, which tree-shaking
 * leaves empty ("Generated an empty chunk: "chunks/env.js"."). Rolldown's timing report is switched
 * off in vite.config.ts. A failed build prints everything it captured and exits with its status.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const INPUT_DIRS = ['src', 'static'];
const INPUT_FILES = ['svelte.config.js', 'vite.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json', 'scripts/build-if-stale.mjs'];
const STAMP = '.ocore-build-stamp';
const KNOWN_NOISE = [/^Generated an empty chunk: "chunks\/env\.js"\.$/];

/** @param {string} root @param {string} dir @returns {string[]} paths relative to root, sorted */
function filesUnder(root, dir) {
	const abs = path.join(root, dir);
	if (!existsSync(abs)) return [];
	return readdirSync(abs, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
		.sort();
}

/**
 * The hash of every build input under `root`: each path with its bytes, so renames and deletions count too.
 * @param {string} root
 */
export function inputsHash(root) {
	const hash = createHash('sha256');
	const files = [...INPUT_DIRS.flatMap((dir) => filesUnder(root, dir)), ...INPUT_FILES.filter((f) => existsSync(path.join(root, f)))];
	for (const file of files) {
		hash.update(`${file}\0`);
		hash.update(readFileSync(path.join(root, file)));
		hash.update('\0');
	}
	return hash.digest('hex');
}

/**
 * Whether `buildDir` (adapter-node's output) must be rebuilt from `root`'s inputs.
 * @param {string} root @param {string} buildDir
 * @returns {{ stale: boolean, reason: string, hash: string }}
 */
export function buildDecision(root, buildDir) {
	const hash = inputsHash(root);
	if (!existsSync(path.join(buildDir, 'handler.js'))) return { stale: true, reason: 'no build yet', hash };
	const stampFile = path.join(buildDir, STAMP);
	const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
	if (stamp !== hash) return { stale: true, reason: stamp ? 'sources changed' : 'no build stamp', hash };
	return { stale: false, reason: 'up to date', hash };
}

/** @param {string} buildDir @param {string} hash */
export function writeStamp(buildDir, hash) {
	writeFileSync(path.join(buildDir, STAMP), `${hash}\n`);
}

/** @param {string} root @returns {Promise<{ code: number, stdout: string, stderr: string }>} */
function viteBuild(root) {
	const vite = path.join(root, 'node_modules', '.bin', 'vite');
	return new Promise((resolve, reject) => {
		const child = spawn(vite, ['build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
	});
}

async function main() {
	const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
	const buildDir = path.join(root, 'build');
	const decision = buildDecision(root, buildDir);
	if (!decision.stale) {
		console.log('Build is up to date.');
		return;
	}
	process.stdout.write(`Building the dashboard (${decision.reason})… `);
	const startedMs = Date.now();
	const result = await viteBuild(root);
	if (result.code !== 0) {
		console.log('failed.');
		process.stdout.write(result.stdout);
		process.stderr.write(result.stderr);
		process.exit(result.code);
	}
	// The inputs as read before the build began: a file edited during the build makes the next start build again.
	writeStamp(buildDir, decision.hash);
	console.log(`done in ${Math.round((Date.now() - startedMs) / 1000)} s.`);
	const warnings = result.stderr.split('\n').filter((line) => line.trim() !== '' && !KNOWN_NOISE.some((re) => re.test(line)));
	if (warnings.length > 0) process.stderr.write(`${warnings.join('\n')}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
