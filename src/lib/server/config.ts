/**
 * The one place configuration is read. One zod schema states every variable, validates it at start-up
 * (a bad value fails fast with a message naming the variable) and transforms it into the config object,
 * whose type is inferred from the schema. The object is deeply frozen: nothing changes it after load
 * (facts known only at run time, like the SSH port really bound, live on the app context).
 * Secrets read here are never logged.
 *
 * Secret policy (JWT_SECRET, SSH_ENCRYPTION_KEY): at least 32 characters. In production a missing or
 * short secret refuses to start; in development one is generated once and kept in DATA_DIR (mode 0600).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const booleanFromEnv = z
	.enum(['true', 'false', '1', '0', 'yes', 'no'])
	.transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveSeconds = z.coerce.number().int().positive();

const envSchema = z.object({
	NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
	HOST: z.string().default('0.0.0.0'),
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	APP_URL: z.url().optional(),
	DOCS_ORIGIN: z.url().optional(),
	DATABASE_URL: z.string().min(1).optional(),
	DATA_DIR: z.string().default('./data'),
	JWT_SECRET: z.string().optional(),
	ACCESS_TOKEN_TTL_SECONDS: positiveSeconds.default(3600),
	REFRESH_TOKEN_TTL_SECONDS: positiveSeconds.default(30 * 24 * 3600),
	SESSION_IDLE_TIMEOUT_SECONDS: positiveSeconds.default(7 * 24 * 3600),
	SESSION_ABSOLUTE_LIFETIME_SECONDS: positiveSeconds.default(30 * 24 * 3600),
	PASSWORD_RESET_TTL_SECONDS: positiveSeconds.default(30 * 60),
	TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
	AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(5),
	SMTP_URL: z.string().optional(),
	SMTP_FROM: z.string().default('oCore <no-reply@localhost>'),
	ADMIN_EMAILS: z.string().default(''),
	LOG_REQUESTS: booleanFromEnv.default(false),
	SSH_KEY_MIN_RSA_BITS: z.coerce.number().int().min(1024).max(16384).default(4096),
	GITHUB_KEYS_BASE_URL: z.url().default('https://github.com'),
	/** Comma-separated hosts the outbound fetcher may reach even on private addresses (tests, on-prem GHE). */
	FETCH_ALLOW_PRIVATE_HOSTS: z.string().default(''),
	SSH_PORT: z.coerce.number().int().min(0).max(65535).default(2222),
	/** The host name users put in `ssh -p 2222 <slug>@<host>`; defaults to APP_URL's host name. */
	SSH_PUBLIC_HOST: z.string().optional(),
	SSH_USERNAME_PREFIX: z.string().regex(/^[a-z0-9-]*$/).default('ocore-'),
	/** AES-256-GCM key material for server credentials at rest: at least 32 characters. */
	SSH_ENCRYPTION_KEY: z.string().optional(),
	/** The previous key while rotating: values encrypted under it are still readable, and re-encrypted by `npm run secrets:rotate`. */
	SSH_ENCRYPTION_KEY_PREVIOUS: z.string().optional(),
	SSH_HOST: z.string().default('0.0.0.0'),
	SSH_ENABLED: booleanFromEnv.default(true),
	SSH_IDLE_TIMEOUT_SECONDS: positiveSeconds.default(15 * 60),
	SSH_MAX_SESSIONS_PER_USER: z.coerce.number().int().positive().default(5),
	/** Authenticated SSH connections one user may hold at once (sessions are counted apart). */
	SSH_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().positive().default(10),
	/** TCP connections not yet authenticated, per source address (IPv6: per /64) and in total. */
	SSH_MAX_UNAUTHENTICATED_PER_IP: z.coerce.number().int().positive().default(10),
	SSH_MAX_UNAUTHENTICATED: z.coerce.number().int().positive().default(200),
	/** From accept: the client's identification line, then authentication, must arrive within these. */
	SSH_IDENT_TIMEOUT_SECONDS: positiveSeconds.default(10),
	SSH_LOGIN_GRACE_SECONDS: positiveSeconds.default(30),
	SSH_SFTP_SERVER_PATH: z.string().default('/usr/lib/openssh/sftp-server'),
	SESSION_RECORDING: z.enum(['off', 'metadata', 'full']).default('metadata'),
	SESSION_RECORDING_INPUT: booleanFromEnv.default(false),
	/** The local Docker engine socket used by servers of kind `socket`. */
	DOCKER_SOCKET_PATH: z.string().default('/var/run/docker.sock'),
	/** Comma-separated tcp/ssh engine hosts that may be on private or loopback addresses (on-premises engines, tests). */
	DOCKER_ALLOW_PRIVATE_HOSTS: z.string().default(''),
	/** The generated SQL migrations applied at start-up. */
	MIGRATIONS_DIR: z.string().default('drizzle'),
	/** The SvelteKit build (adapter-node output) the production entry serves. */
	OCORE_BUILD_DIR: z.string().default('build')
});

export class ConfigError extends Error {}

const SECRET_MIN_LENGTH = 32;

function loadOrCreateDevSecret(dataDir: string, fileName: string, variable: string, warn: (msg: string) => void): string {
	const file = path.join(dataDir, fileName);
	if (existsSync(file)) return readFileSync(file, 'utf8').trim();
	mkdirSync(dataDir, { recursive: true });
	const secret = randomBytes(48).toString('base64url');
	writeFileSync(file, secret + '\n', { mode: 0o600 });
	warn(`${variable} is not set: generated a development secret in ${file}. Set ${variable} in production.`);
	return secret;
}

/**
 * JWT_SECRET and SSH_ENCRYPTION_KEY: required in production, where a short one is refused; in development
 * a missing or short one is replaced by a secret generated once and kept in DATA_DIR.
 */
function resolveSecret(variable: string, fileName: string, value: string | undefined, env: string, dataDir: string, warn: (msg: string) => void): string {
	if (value !== undefined && value.length >= SECRET_MIN_LENGTH) return value;
	if (env === 'production') {
		throw new ConfigError(
			value === undefined
				? `Invalid configuration: ${variable} is required in production (at least ${SECRET_MIN_LENGTH} characters)`
				: `Invalid configuration: ${variable} must be at least ${SECRET_MIN_LENGTH} characters`
		);
	}
	if (value !== undefined) warn(`${variable} is shorter than ${SECRET_MIN_LENGTH} characters; ignoring it in development.`);
	return loadOrCreateDevSecret(dataDir, fileName, variable, warn);
}

const commaList = (value: string) =>
	value
		.split(',')
		.map((s) => s.trim().toLowerCase())
		.filter(Boolean);

/** The environment schema, transformed into the config object; `warn` reports a generated development secret. */
function configSchema(warn: (msg: string) => void) {
	return envSchema.transform((e) => {
		const dataDir = path.resolve(e.DATA_DIR);
		const appUrl = new URL(e.APP_URL ?? `http://localhost:${e.PORT}`);
		const allowedOrigins = [appUrl.origin];
		if (e.DOCS_ORIGIN) allowedOrigins.push(new URL(e.DOCS_ORIGIN).origin);
		return {
			env: e.NODE_ENV,
			host: e.HOST,
			port: e.PORT,
			appUrl,
			allowedOrigins,
			secureCookies: appUrl.protocol === 'https:',
			databaseUrl: e.DATABASE_URL,
			dataDir,
			migrationsDir: path.resolve(e.MIGRATIONS_DIR),
			buildDir: path.resolve(e.OCORE_BUILD_DIR),
			jwtSecret: resolveSecret('JWT_SECRET', 'jwt-secret', e.JWT_SECRET, e.NODE_ENV, dataDir, warn),
			accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
			refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
			sessionIdleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT_SECONDS,
			sessionAbsoluteLifetimeSeconds: e.SESSION_ABSOLUTE_LIFETIME_SECONDS,
			passwordResetTtlSeconds: e.PASSWORD_RESET_TTL_SECONDS,
			trustedProxyHops: e.TRUSTED_PROXY_HOPS,
			authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
			smtpUrl: e.SMTP_URL,
			smtpFrom: e.SMTP_FROM,
			adminEmails: commaList(e.ADMIN_EMAILS),
			logRequests: e.LOG_REQUESTS,
			sshKeyMinRsaBits: e.SSH_KEY_MIN_RSA_BITS,
			githubKeysBaseUrl: new URL(e.GITHUB_KEYS_BASE_URL),
			fetchAllowPrivateHosts: commaList(e.FETCH_ALLOW_PRIVATE_HOSTS),
			/** What SSH_PORT asked for; 0 means any free port (the app context knows the one bound). */
			sshPort: e.SSH_PORT,
			sshPublicHost: e.SSH_PUBLIC_HOST ?? appUrl.hostname,
			sshUsernamePrefix: e.SSH_USERNAME_PREFIX,
			sshEncryptionKey: resolveSecret('SSH_ENCRYPTION_KEY', 'ssh-encryption-key', e.SSH_ENCRYPTION_KEY, e.NODE_ENV, dataDir, warn),
			sshEncryptionKeyPrevious: e.SSH_ENCRYPTION_KEY_PREVIOUS,
			sshHost: e.SSH_HOST,
			sshEnabled: e.SSH_ENABLED,
			sshIdleTimeoutSeconds: e.SSH_IDLE_TIMEOUT_SECONDS,
			sshMaxSessionsPerUser: e.SSH_MAX_SESSIONS_PER_USER,
			sshMaxConnectionsPerUser: e.SSH_MAX_CONNECTIONS_PER_USER,
			sshMaxUnauthenticatedPerIp: e.SSH_MAX_UNAUTHENTICATED_PER_IP,
			sshMaxUnauthenticated: e.SSH_MAX_UNAUTHENTICATED,
			sshIdentTimeoutSeconds: e.SSH_IDENT_TIMEOUT_SECONDS,
			sshLoginGraceSeconds: e.SSH_LOGIN_GRACE_SECONDS,
			sshSftpServerPath: e.SSH_SFTP_SERVER_PATH,
			sessionRecording: e.SESSION_RECORDING,
			sessionRecordingInput: e.SESSION_RECORDING_INPUT,
			dockerSocketPath: e.DOCKER_SOCKET_PATH,
			dockerAllowPrivateHosts: commaList(e.DOCKER_ALLOW_PRIVATE_HOSTS)
		};
	});
}

type DeepReadonly<T> = T extends URL ? Readonly<URL> : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

export type AppConfig = DeepReadonly<z.output<ReturnType<typeof configSchema>>>;

function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const inner of Object.values(value)) deepFreeze(inner);
	}
	return value;
}

export function loadConfig(
	env: Record<string, string | undefined> = process.env,
	warn: (msg: string) => void = (msg) => console.warn(`[config] ${msg}`)
): AppConfig {
	const parsed = configSchema(warn).safeParse(env);
	if (!parsed.success) {
		const first = parsed.error.issues[0];
		const name = first?.path.join('.') ?? 'environment';
		throw new ConfigError(`Invalid configuration: ${name}: ${first?.message ?? 'invalid value'}`);
	}
	return deepFreeze(parsed.data);
}
