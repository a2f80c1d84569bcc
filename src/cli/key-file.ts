/**
 * Reading the public key file for `ocore ssh-key add`.
 *
 * Policy: a private key must never leave the machine, so a file that looks like one (OpenSSH, PEM
 * or PuTTY private key markers) is refused here, before any request, pointing at the .pub file.
 * Anything larger than a public key can be is refused unread. The key's format itself is judged by
 * the server (one parser, one set of messages).
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { usageError } from './errors';

/** Far above any public key (the server's limit is 16 KiB); only stops reading arbitrary large files. */
const MAX_KEY_FILE_BYTES = 64 * 1024;
const PRIVATE_KEY_MARKER = /PRIVATE KEY-----|PuTTY-User-Key-File/;

export function expandHome(file: string, env: Record<string, string | undefined>): string {
	if (file === '~' || file.startsWith('~/')) return path.join(env.HOME || homedir(), file.slice(1));
	return path.resolve(file);
}

export function readPublicKeyFile(file: string, env: Record<string, string | undefined>): string {
	const resolved = expandHome(file, env);
	let text: string;
	try {
		const stat = statSync(resolved);
		if (!stat.isFile()) throw usageError(`Key file ${file} is not a file`);
		if (stat.size > MAX_KEY_FILE_BYTES) throw usageError(`Key file ${file} is too large to be a public key`);
		text = readFileSync(resolved, 'utf8');
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') throw usageError(`Key file not found: ${file}`);
		if (code === 'EACCES' || code === 'EPERM') throw usageError(`Cannot read key file ${file}: permission denied`);
		if (code) throw usageError(`Cannot read key file ${file} (${code})`);
		throw err;
	}
	if (PRIVATE_KEY_MARKER.test(text)) {
		throw usageError(`${file} is a private key; it was not sent. Pass the public key instead (usually ${file}.pub)`);
	}
	if (text.trim() === '') throw usageError(`Key file ${file} is empty`);
	return text.trim();
}
