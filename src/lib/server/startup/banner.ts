/**
 * The few lines a person reads after `npm start`: which version runs, where to open it, the SSH port
 * and crypto path, which database (never its password), what the migrations did, and, on an empty
 * database, who becomes admin. Structured JSON log lines stay as they are for machines; this block is
 * plain text, printed on every start (a TTY, `docker logs` or a journal alike), bold only on a TTY.
 */
import path from 'node:path';
import type { MigrationReport } from '../db/migrate';

export type BannerFacts = {
	version: string;
	appUrl: string;
	/** The address the HTTP server bound (HOST, and the port really bound). */
	listening: { host: string; port: number };
	/** The gateway's bound address; null when SSH_ENABLED=false. */
	ssh: { host: string; port: number; nativeCrypto: boolean } | null;
	database: string;
	migrations: MigrationReport;
	/** No account exists yet: the first sign-up becomes platform admin. */
	noAccountYet: boolean;
	adminEmails: readonly string[];
};

/**
 * The database, named without credentials: PGlite's folder, or PostgreSQL's host:port/name. Only the
 * parts named here are printed, so a password in the URL (user:secret@, ?password=) never is.
 */
export function describeDatabase(config: { databaseUrl?: string | undefined; dataDir: string }): string {
	// The folder app-context.ts opens.
	if (!config.databaseUrl) return `PGlite in ${path.join(config.dataDir, 'pglite')}`;
	let url: URL;
	try {
		url = new URL(config.databaseUrl);
	} catch {
		return 'PostgreSQL (DATABASE_URL)';
	}
	const host = url.hostname ? `${url.hostname}:${url.port || '5432'}` : 'local socket';
	const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
	return `PostgreSQL at ${host}${name ? `/${name}` : ''}`;
}

function hostPort(host: string, port: number): string {
	return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function migrationsLine({ applied, total }: MigrationReport): string {
	if (applied === 0) return `up to date, ${total} migrations`;
	return `${applied} applied, ${total} total`;
}

function sshLine(ssh: BannerFacts['ssh']): string {
	if (!ssh) return 'off (SSH_ENABLED=false)';
	const crypto = ssh.nativeCrypto
		? 'native crypto (OpenSSL)'
		: 'JavaScript crypto: the native binding was not built, about half the throughput (see README, "Node 24 and install scripts")';
	return `port ${ssh.port} (on ${ssh.host}), ${crypto}`;
}

export function formatBanner(facts: BannerFacts, options: { bold: boolean } = { bold: false }): string {
	const title = `oCore ${facts.version} is running`;
	const rows: [string, string][] = [
		['URL', `${facts.appUrl}  (listening on ${hostPort(facts.listening.host, facts.listening.port)})`],
		['SSH', sshLine(facts.ssh)],
		['Database', facts.database],
		['Migrations', migrationsLine(facts.migrations)]
	];
	const lines = [options.bold ? `\x1b[1m${title}\x1b[22m` : title, ...rows.map(([label, value]) => `  ${label.padEnd(11)} ${value}`)];
	if (facts.noAccountYet) {
		const admins = facts.adminEmails.length > 0 ? ` ADMIN_EMAILS (${facts.adminEmails.join(', ')}) are admins too.` : '';
		lines.push(`  No account yet: the first one to sign up at ${facts.appUrl}/signup becomes platform admin.${admins}`);
	}
	return lines.join('\n') + '\n';
}
