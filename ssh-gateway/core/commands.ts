/**
 * What runs in the container for each kind of request, the way sshd would run it: a login shell for
 * `shell`, `/bin/sh -c <command>` for `exec`, the configured sftp-server for `subsystem sftp`. Legacy
 * `scp -O` and rsync arrive as exec commands (`scp -t/-f ...`, `rsync --server ...`); when the image
 * lacks the binary the user gets one clear line instead of `sh: scp: not found`.
 * Every session starts in the container user's home directory, as sshd starts it: relative paths of
 * scp, rsync and sftp, and `pwd`, mean what they mean over sshd. The engine sets $HOME from the exec
 * user's passwd entry; without a usable home the session starts in `/`, as sshd's does.
 */
import { constants } from 'node:os';
import type { RecordedKind, SessionRequest } from './types';

const LOGIN_SHELL = 'if [ -x /bin/bash ]; then exec /bin/bash -l; else exec /bin/sh -l; fi';
const TO_HOME = 'cd "$HOME" 2>/dev/null || cd /; ';

export function classify(request: SessionRequest): RecordedKind {
	if (request.kind === 'shell') return 'shell';
	if (request.kind === 'subsystem') return request.command === 'sftp' ? 'sftp' : 'subsystem';
	const command = (request.command ?? '').trimStart();
	if (/^scp\s/.test(command)) return 'scp';
	if (/^rsync\s+--server\b/.test(command)) return 'rsync';
	return 'exec';
}

function requireTool(tool: string, hint: string, command: string): string {
	const message = `${tool} not found in the instance image: ${hint}`;
	return `${TO_HOME}command -v ${tool} >/dev/null 2>&1 || { echo '${message}' >&2; exit 127; }; ${command}`;
}

/**
 * With a pty, the terminal gets its size before the user's program starts: Docker engines before API
 * 1.42 ignore a console size at exec start, and a resize sent after the start can land after a quick
 * command (`stty size`) already ran. `stty` missing from an image only loses this head start.
 */
function sizedTerminal(pty: SessionRequest['pty'], script: string): string[] {
	if (!pty) return ['/bin/sh', '-c', TO_HOME + script];
	return ['/bin/sh', '-c', `${TO_HOME}stty cols ${pty.cols} rows ${pty.rows} 2>/dev/null; ${script}`];
}

export function commandFor(request: SessionRequest, kind: RecordedKind, sftpServerPath: string): string[] {
	switch (kind) {
		case 'shell':
			return sizedTerminal(request.pty, LOGIN_SHELL);
		case 'sftp':
			return ['/bin/sh', '-c', `${TO_HOME}exec "$0"`, sftpServerPath];
		case 'scp':
			return ['/bin/sh', '-c', requireTool('scp', 'use scp without -O (SFTP mode), or install openssh-client in the image', request.command!)];
		case 'rsync':
			return ['/bin/sh', '-c', requireTool('rsync', 'install rsync in the image', request.command!)];
		default:
			// The user's command runs as `sh -c <command>` (its own $$), after the terminal is sized.
			return request.pty
				? sizedTerminal(request.pty, 'exec /bin/sh -c "$0"').concat(request.command ?? '')
				: ['/bin/sh', '-c', TO_HOME + (request.command ?? '')];
	}
}

/**
 * Docker reports a process killed by signal N as exit status 128+N. For exec commands that is
 * turned back into the signal, as sshd reports it; an interactive shell's own status is kept as is
 * (a shell exiting after a ^C'd command legitimately returns 130).
 */
export function signalFromStatus(kind: RecordedKind, exitCode: number | null): string | undefined {
	if (kind !== 'exec' || exitCode === null || exitCode <= 128 || exitCode > 128 + 31) return undefined;
	const signalNumber = exitCode - 128;
	for (const [name, value] of Object.entries(constants.signals)) {
		if (value === signalNumber) return name.replace(/^SIG/, '');
	}
	return undefined;
}
