/** Argument parsing with node:util parseArgs (strict); its refusals become usage errors (exit 2). */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { usageError } from './errors';

const COMMON = {
	json: { type: 'boolean' },
	help: { type: 'boolean', short: 'h' }
} as const satisfies ParseArgsOptionsConfig;

export function parseCommandArgs<const O extends ParseArgsOptionsConfig>(argv: string[], options: O, usage: string, maxPositionals = 0) {
	const config = { args: argv, options: { ...COMMON, ...options } as typeof COMMON & O, allowPositionals: true, strict: true } as const;
	let parsed: ReturnType<typeof parseArgs<typeof config>>;
	try {
		parsed = parseArgs(config);
	} catch (err) {
		throw usageError(`${(err as Error).message}\n\n${usage}`);
	}
	if (!(parsed.values as { help?: boolean }).help && parsed.positionals.length > maxPositionals) {
		throw usageError(`Unexpected argument: ${parsed.positionals[maxPositionals]}\n\n${usage}`);
	}
	return parsed;
}

export function requireOption(value: string | undefined, name: string, usage: string): string {
	if (value === undefined || value.trim() === '') throw usageError(`Missing --${name}\n\n${usage}`);
	return value;
}
