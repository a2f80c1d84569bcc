import { desc } from 'drizzle-orm';
import type { Database } from '../db/client';
import { mailOutbox } from '../db/schema';

/** The newest 100 messages of the local outbox (only used when no SMTP server is configured). */
export function listOutbox(db: Database) {
	return db.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt)).limit(100);
}
