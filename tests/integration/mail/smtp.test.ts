/** Password-reset mail through a real SMTP conversation with a local SMTP server (smtp-server). */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestPasswordReset } from '../../../src/lib/server/auth/password-reset';
import { signup } from '../../../src/lib/server/auth/service';
import { mailOutbox } from '../../../src/lib/server/db/schema';
import { eq } from 'drizzle-orm';
import { createTestApp, uniqueEmail, uniqueIp, type TestApp } from '../../helpers/app';

const received: { to: string[]; data: string }[] = [];
let server: SMTPServer;
let app: TestApp;

beforeAll(async () => {
	server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		onData(stream, session, callback) {
			let data = '';
			stream.on('data', (c) => (data += c));
			stream.on('end', () => {
				received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.server.address() as AddressInfo).port;
	app = await createTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'oCore <noreply@ocore.test>' });
});

afterAll(async () => {
	await app.close();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('mail by SMTP', () => {
	it('delivers the reset link to the account owner and keeps nothing in the local outbox', async () => {
		const email = uniqueEmail();
		await signup(app, { email, password: 'correct horse 42', name: 'Mailee' }, { ipAddress: uniqueIp(), userAgent: null });
		await requestPasswordReset(app, email, { ipAddress: uniqueIp(), userAgent: null });
		await app.jobs.drain();
		expect(received).toHaveLength(1);
		expect(received[0]!.to).toEqual([email]);
		expect(received[0]!.data).toContain('Subject: Reset your oCore password');
		expect(received[0]!.data).toMatch(/reset-password\?token=[a-z2-9]{32}/);
		expect(await app.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email))).toEqual([]);
	});
});
