/**
 * A database of its own for one test or one server: a fresh PostgreSQL database when DATABASE_URL is
 * set (dropped by drop()), else nothing (the caller uses an embedded PGlite, already private to it).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export type FreshDatabase = { url: string | undefined; drop(): Promise<void> };

export async function freshDatabase(): Promise<FreshDatabase> {
	const base = process.env.DATABASE_URL;
	if (!base) return { url: undefined, drop: async () => {} };
	const name = `ocore_iso_${process.pid}_${randomBytes(4).toString('hex')}`;
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		drop: async () => {
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end({ timeout: 5 });
		}
	};
}
