/**
 * Which ~/.ssh/config the user's own ssh understands. The short form (`Host ocore-*` + `User %n`) needs
 * %-token expansion in `User`, which OpenSSH added in 10.0 (upstream commit bd30cf78, "Allow %-token
 * and environment variable expansion in User", March 2025). Earlier clients, such as Debian 12's
 * OpenSSH 9.2, send the literal "%n" as the user name, so they get one block per instance instead.
 */
import { execFile } from 'node:child_process';

export type OpenSshVersion = { major: number; minor: number; text: string };

export type LocalSsh =
	| { found: true; version: OpenSshVersion | null; banner: string }
	| { found: false };

const USER_TOKEN_EXPANSION_SINCE = { major: 10, minor: 0 };

/** "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15" (also "OpenSSH_for_Windows_9.5p1") -> 9.2. */
export function parseOpenSshVersion(banner: string): OpenSshVersion | null {
	const match = /\bOpenSSH_(?:for_Windows_)?(\d+)\.(\d+)(p\d+)?/.exec(banner);
	if (!match) return null;
	return { major: Number(match[1]), minor: Number(match[2]), text: `${match[1]}.${match[2]}${match[3] ?? ''}` };
}

export function expandsTokensInUser(version: OpenSshVersion | null): boolean {
	if (!version) return false;
	const since = USER_TOKEN_EXPANSION_SINCE;
	return version.major > since.major || (version.major === since.major && version.minor >= since.minor);
}

/** Runs `ssh -V` from the user's PATH (it prints to stderr); no ssh at all is a normal answer, not an error. */
export function detectLocalSsh(env: Record<string, string | undefined>): Promise<LocalSsh> {
	return new Promise((resolve) => {
		execFile('ssh', ['-V'], { env: { PATH: env.PATH ?? '' }, timeout: 5_000, encoding: 'utf8' }, (err, stdout, stderr) => {
			if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve({ found: false });
			const banner = `${stderr}${stdout}`.trim().split('\n')[0] ?? '';
			resolve({ found: true, version: parseOpenSshVersion(banner), banner });
		});
	});
}
