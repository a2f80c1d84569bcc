/**
 * Structured one-line logs. Callers pass only non-secret fields; as a second guard, any field whose
 * name looks like a credential is replaced before printing, so a slip never leaks a token.
 */
const SECRET_FIELD = /pass|secret|token|authorization|cookie|key|code/i;

type Fields = Record<string, unknown>;

function redact(fields: Fields): Fields {
	const out: Fields = {};
	for (const [k, v] of Object.entries(fields)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : v;
	return out;
}

function write(level: 'info' | 'warn' | 'error', msg: string, fields: Fields = {}) {
	const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...redact(fields) });
	if (level === 'error') console.error(line);
	else if (level === 'warn') console.warn(line);
	else console.log(line);
}

export const logger = {
	info: (msg: string, fields?: Fields) => write('info', msg, fields),
	warn: (msg: string, fields?: Fields) => write('warn', msg, fields),
	error: (msg: string, fields?: Fields) => write('error', msg, fields)
};
