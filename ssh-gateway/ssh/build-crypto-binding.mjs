#!/usr/bin/env node
/**
 * Builds ssh2's optional native crypto binding (AES-GCM and ChaCha20-Poly1305 in OpenSSL, one
 * cipher context per connection) for the Node that runs this script. Run as the project's
 * postinstall, so after `npm ci` the pinned Node 24 is the one in node_modules/.bin.
 *
 * Why not ssh2's own install script (denied in package.json `allowScripts`): it builds against the
 * headers npm is configured with, and this machine's npm points at the system Node 20's headers,
 * which would give a module Node 24 refuses to load. Here the headers come from the running Node's
 * own distribution (node_modules/node ships include/node), so nothing is downloaded.
 *
 * Without the binding ssh2 still works, on Node's crypto plus a WebAssembly Poly1305, at about half
 * the gateway's throughput (README, "Gateway" benchmark). So a failed build warns and exits 0:
 * installing must not depend on a compiler. `OCORE_SKIP_NATIVE_CRYPTO=1` skips the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function warn(message) {
	console.warn(`[ocore] ssh2 native crypto binding not built: ${message}. The gateway falls back to ssh2's JavaScript path (about half the throughput).`);
	process.exit(0);
}

if (process.env.OCORE_SKIP_NATIVE_CRYPTO === '1') warn('OCORE_SKIP_NATIVE_CRYPTO=1');

let cryptoDir;
try {
	cryptoDir = path.join(path.dirname(require.resolve('ssh2/package.json')), 'lib', 'protocol', 'crypto');
} catch {
	warn('ssh2 is not installed');
}

// Headers of the running Node's major version (native modules are built per ABI): its install prefix
// (<prefix>/bin/node beside <prefix>/include/node), or the npm `node` package's platform package.
function headersMajor(dir) {
	const file = path.join(dir, 'include', 'node', 'node_version.h');
	if (!existsSync(file)) return null;
	return /#define NODE_MAJOR_VERSION (\d+)/.exec(readFileSync(file, 'utf8'))?.[1] ?? null;
}
const wantedMajor = process.versions.node.split('.')[0];
const candidates = [path.dirname(path.dirname(process.execPath))];
try {
	const nodePackage = path.dirname(require.resolve('node/package.json'));
	candidates.push(path.join(nodePackage, 'node_modules', `node-${process.platform}-${process.arch}`));
} catch {
	/* not installed through npm */
}
const nodeDir = candidates.find((dir) => headersMajor(dir) === wantedMajor);
if (!nodeDir) warn(`no Node ${wantedMajor} headers in ${candidates.join(' or ')}`);

// npm tells lifecycle scripts where its bundled node-gyp is; otherwise look beside npm itself.
let nodeGyp = process.env.npm_config_node_gyp;
if (!nodeGyp || !existsSync(nodeGyp)) {
	const globalRoot = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout?.trim() ?? '';
	nodeGyp = path.join(globalRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}
if (!existsSync(nodeGyp)) warn('node-gyp was not found');

/**
 * npm passes its configuration to scripts as npm_config_* variables, and node-gyp prefers an
 * inherited npm_config_nodedir (this machine's points at Node 20) to --nodedir, producing a module
 * that does not load. So none of them reach node-gyp. The same Node goes first on PATH for the
 * `node -e "require('nan')"` in ssh2's binding.gyp.
 */
function buildEnv() {
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)));
	env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
	return env;
}

const opensslMajor = /^\d+/.exec(process.versions.openssl)?.[0] ?? '3';
const result = spawnSync(
	process.execPath,
	[nodeGyp, 'rebuild', `--target=${process.version}`, `--nodedir=${nodeDir}`, `--real_openssl_major=${opensslMajor}`],
	{ cwd: cryptoDir, encoding: 'utf8', env: buildEnv() }
);
if (result.status !== 0) {
	const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
	warn(`node-gyp failed (${result.error?.message ?? `exit ${result.status}`}):\n${tail}\n`);
}

// Prove it loads in this Node before saying so.
try {
	require(path.join(cryptoDir, 'build', 'Release', 'sshcrypto.node'));
} catch (err) {
	warn(`the built module does not load: ${err.message}`);
}
console.log(`[ocore] built ssh2's native crypto binding for Node ${process.version}`);
