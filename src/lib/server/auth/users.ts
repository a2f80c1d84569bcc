import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { users, type User } from '../db/schema';
import { hashPassword } from './password';
import type { AuthUser } from './types';

export function toAuthUser(user: User): AuthUser {
	return { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin, createdAt: user.createdAt };
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<User | undefined> {
	const [user] = await db.select().from(users).where(eq(users.email, email));
	return user;
}

export async function findUserById(db: DbOrTx, id: string): Promise<User | undefined> {
	const [user] = await db.select().from(users).where(eq(users.id, id));
	return user;
}

/** Rehashes a password that matched a hash made before NFC normalisation; the password is unchanged. */
export async function upgradePasswordHash(db: DbOrTx, userId: string, password: string, now: Date): Promise<void> {
	await db.update(users).set({ passwordHash: await hashPassword(password), updatedAt: now }).where(eq(users.id, userId));
}
