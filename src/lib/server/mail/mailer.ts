/**
 * Outgoing mail: SMTP when SMTP_URL is configured, otherwise a local outbox table that platform
 * admins read in the dashboard (Admin > Outbox), so a fresh install can still reset passwords.
 */
import nodemailer from 'nodemailer';
import type { AppConfig } from '../config';
import type { Database } from '../db/client';
import { mailOutbox } from '../db/schema';
import { logger } from '../logger';

export type MailMessage = { to: string; subject: string; text: string };
export type Mailer = { send(message: MailMessage): Promise<void>; transport: 'smtp' | 'outbox' };

export function createMailer(config: AppConfig, db: Database): Mailer {
	if (config.smtpUrl) {
		const transporter = nodemailer.createTransport(config.smtpUrl);
		return {
			transport: 'smtp',
			async send(message) {
				await transporter.sendMail({ from: config.smtpFrom, to: message.to, subject: message.subject, text: message.text });
				logger.info('mail sent', { transport: 'smtp', subject: message.subject });
			}
		};
	}
	return {
		transport: 'outbox',
		async send(message) {
			await db.insert(mailOutbox).values({ toAddress: message.to, subject: message.subject, body: message.text });
			logger.info('mail queued in local outbox', { subject: message.subject });
		}
	};
}
