/**
 * The CLI's one mapping from failures to exit codes and stderr messages (the CLI's front-door
 * mapper, as errors.ts's codes are mapped once per front door). Scripts can rely on the codes:
 *   0 success · 1 the server refused (its message is printed) or an unexpected error · 2 usage
 *   error or unreadable local file · 3 not logged in / session ended · 4 server unreachable.
 */
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2, notLoggedIn: 3, unreachable: 4 } as const;

export type CliErrorKind = 'usage' | 'not_logged_in' | 'unreachable' | 'http';

export class CliError extends Error {
	constructor(
		readonly kind: CliErrorKind,
		message: string,
		/** For `http`: the status the server answered and its error code, kept for --json output. */
		readonly details: { status?: number; error?: string } = {}
	) {
		super(message);
		this.name = 'CliError';
	}
}

export const usageError = (message: string) => new CliError('usage', message);

export function notLoggedIn(reason = 'Not logged in'): CliError {
	return new CliError('not_logged_in', `${reason}: run \`ocore login --url https://host --email you@example.com\``);
}

const EXIT_BY_KIND: Record<CliErrorKind, number> = {
	usage: EXIT_CODES.usage,
	not_logged_in: EXIT_CODES.notLoggedIn,
	unreachable: EXIT_CODES.unreachable,
	http: EXIT_CODES.failed
};

export type ExitReport = { exitCode: number; message: string };

/** Anything thrown by a command -> its exit code and the one line for stderr. */
export function toExitReport(err: unknown): ExitReport {
	if (err instanceof CliError) return { exitCode: EXIT_BY_KIND[err.kind], message: `ocore: ${err.message}` };
	const detail = err instanceof Error ? err.message : String(err);
	return { exitCode: EXIT_CODES.failed, message: `ocore: unexpected error: ${detail}` };
}
