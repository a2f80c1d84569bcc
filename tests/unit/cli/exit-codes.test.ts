import { describe, expect, it } from 'vitest';
import { CliError, EXIT_CODES, notLoggedIn, toExitReport, usageError } from '../../../src/cli/errors';

describe('CLI failures -> exit codes and stderr lines', () => {
	it('maps each kind to its documented code', () => {
		expect(toExitReport(usageError('Missing --name'))).toEqual({ exitCode: 2, message: 'ocore: Missing --name' });
		expect(toExitReport(notLoggedIn())).toEqual({
			exitCode: 3,
			message: 'ocore: Not logged in: run `ocore login --url https://host --email you@example.com`'
		});
		expect(toExitReport(new CliError('unreachable', 'Cannot reach the oCore server at https://x (ENOTFOUND)'))).toEqual({
			exitCode: 4,
			message: 'ocore: Cannot reach the oCore server at https://x (ENOTFOUND)'
		});
		expect(toExitReport(new CliError('http', 'SSH key not found', { status: 404, error: 'not_found' }))).toEqual({
			exitCode: 1,
			message: 'ocore: SSH key not found'
		});
	});

	it('reports anything unexpected as exit 1 without a stack trace', () => {
		expect(toExitReport(new TypeError('boom'))).toEqual({ exitCode: 1, message: 'ocore: unexpected error: boom' });
		expect(toExitReport('weird')).toEqual({ exitCode: 1, message: 'ocore: unexpected error: weird' });
	});

	it('keeps the codes scripts rely on', () => {
		expect(EXIT_CODES).toEqual({ ok: 0, failed: 1, usage: 2, notLoggedIn: 3, unreachable: 4 });
	});
});
