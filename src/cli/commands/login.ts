/** `ocore login --url URL --email EMAIL [--password-stdin] [--json]`: sign in and store the session. */
import { parseCommandArgs, requireOption } from '../args';
import type { Command } from '../context';
import { credentialsPath, readCredentials, saveCredentials, type Credentials } from '../credentials';
import { OcoreClient } from '../rest-client';
import { readSecondFactorCode } from '../code-input';
import { readPassword } from '../password-input';
import { baseUrlOf, normaliseServerUrl } from '../server-url';

const usage = `Usage: ocore login --url https://host --email you@example.com [--password-stdin] [--totp CODE] [--json]

Signs in and keeps the session in the credentials file (mode 0600). The password is prompted for
without echo, or read from the first line of stdin when stdin is not a terminal or with --password-stdin.
With two-factor authentication on, the code from your authenticator app (or a recovery code) is
asked for on the terminal, or taken from --totp.`;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export const login: Command = {
	usage,
	async run(argv, ctx) {
		const { values } = parseCommandArgs(argv, { url: { type: 'string' }, email: { type: 'string' }, 'password-stdin': { type: 'boolean' }, totp: { type: 'string' } }, usage);
		if (values.help) return ctx.out(usage);
		const url = normaliseServerUrl(requireOption(values.url, 'url', usage));
		const email = requireOption(values.email, 'email', usage);
		const baseUrl = baseUrlOf(url);
		if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
			ctx.err(`Warning: ${baseUrl} is not https; your password and tokens cross the network unencrypted.`);
		}
		// A mistyped --totp fails before the password is spent on a sign-in.
		const givenCode = values.totp === undefined ? undefined : await readSecondFactorCode(ctx, values.totp);
		const password = await readPassword(ctx, { fromStdin: Boolean(values['password-stdin']), prompt: `Password for ${email}: ` });

		const previous = readPreviousQuietly(ctx.env);
		const client = new OcoreClient(baseUrl);
		const answer = await client.login(email, password);
		const tokens = 'mfaRequired' in answer ? await client.verifyTotp(answer.mfaToken, givenCode ?? (await readSecondFactorCode(ctx, undefined))) : answer;
		saveCredentials(ctx.env, { url: baseUrl, email: tokens.user.email, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
		// The session this login replaces is ended on its server, best effort: it is no longer reachable from here.
		if (previous) await endQuietly(previous);

		if (values.json) return ctx.out(JSON.stringify({ url: baseUrl, email: tokens.user.email, user: tokens.user }));
		ctx.out(`Logged in to ${baseUrl} as ${tokens.user.email}.`);
		ctx.err(`Session saved in ${credentialsPath(ctx.env)}`);
	}
};

async function endQuietly(previous: Credentials): Promise<void> {
	let current = previous;
	const detached = { load: () => current, save: (c: Credentials) => void (current = c) };
	try {
		await new OcoreClient(previous.url, detached).logout();
	} catch {
		/* already ended, or the old server is gone: nothing more to do */
	}
}

function readPreviousQuietly(env: Record<string, string | undefined>): Credentials | null {
	try {
		return readCredentials(env);
	} catch {
		return null; // a damaged file is simply replaced
	}
}
