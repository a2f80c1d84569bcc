/**
 * Input truth for servers (Docker engines), shared by the tRPC router, the REST facade and tests.
 * Endpoint and credential checks run here, so a 400 names the field that is wrong.
 */
import { z } from 'zod';
import {
	certificateProblem,
	isSocketPath,
	parseSshEndpoint,
	parseTcpEndpoint,
	privateKeyProblem,
	sshPrivateKeyProblem
} from './endpoint';

export const SERVER_KINDS = ['socket', 'tcp', 'ssh'] as const;

/** PEM bundles and keys are a few KiB; the REST body limit (64 KiB) bounds them anyway. */
const MAX_CREDENTIAL_CHARS = 32 * 1024;

const credential = (label: string) =>
	z
		.string({ error: `${label} must be a string` })
		.min(1, `${label} must not be empty`)
		.max(MAX_CREDENTIAL_CHARS, `${label} is too long`);

export const serverNameSchema = z
	.string({ error: 'Name is required' })
	.trim()
	.min(1, 'Name is required')
	.max(100, 'Name must be at most 100 characters');

export const SSH_HOST_KEY_FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

export const createServerInput = z
	.object({
		name: serverNameSchema,
		kind: z.enum(SERVER_KINDS, { error: 'Kind must be one of socket, tcp, ssh' }),
		endpoint: z
			.string({ error: 'Endpoint is required' })
			.trim()
			.min(1, 'Endpoint is required')
			.max(500, 'Endpoint must be at most 500 characters'),
		tls: z
			.object({ ca: credential('CA certificate'), cert: credential('Certificate'), key: credential('Private key') })
			.optional(),
		ssh: z
			.object({
				privateKey: credential('Private key').optional(),
				password: credential('Password').optional(),
				hostKeyFingerprint: z
					.string()
					.regex(SSH_HOST_KEY_FINGERPRINT_PATTERN, 'Host key fingerprint must look like SHA256:<43 base64 characters>')
					.optional()
			})
			.optional()
	})
	.superRefine((input, ctx) => {
		const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
		if (input.kind !== 'tcp' && input.tls) issue(['tls'], 'TLS settings apply to tcp servers only');
		if (input.kind !== 'ssh' && input.ssh) issue(['ssh'], 'SSH settings apply to ssh servers only');
		if (input.kind === 'socket' && !isSocketPath(input.endpoint)) {
			issue(['endpoint'], 'A socket endpoint is an absolute path, e.g. /var/run/docker.sock');
		}
		if (input.kind === 'tcp') {
			if (!parseTcpEndpoint(input.endpoint)) issue(['endpoint'], 'A tcp endpoint is host:port, e.g. docker.example.com:2376');
			if (!input.tls) return issue(['tls'], 'A tcp server needs TLS client certificates: tls {ca, cert, key}');
			const ca = certificateProblem(input.tls.ca);
			if (ca) issue(['tls', 'ca'], `CA certificate ${ca}`);
			const cert = certificateProblem(input.tls.cert);
			if (cert) issue(['tls', 'cert'], `Certificate ${cert}`);
			const key = privateKeyProblem(input.tls.key);
			if (key) issue(['tls', 'key'], `Private key ${key}`);
		}
		if (input.kind === 'ssh') {
			if (!parseSshEndpoint(input.endpoint)) {
				issue(['endpoint'], 'An ssh endpoint is ssh://user@host[:port], without a password (use ssh.password)');
			}
			if (!input.ssh?.privateKey && !input.ssh?.password) {
				return issue(['ssh'], 'An ssh server needs ssh.privateKey or ssh.password');
			}
			const keyProblem = input.ssh.privateKey ? sshPrivateKeyProblem(input.ssh.privateKey) : null;
			if (keyProblem) issue(['ssh', 'privateKey'], `Private key ${keyProblem}`);
		}
	});
export type CreateServerInput = z.infer<typeof createServerInput>;

export const serverIdInput = z.object({ serverId: z.uuid({ error: 'serverId must be a UUID' }) });
