import { describe, expect, it } from 'vitest';
import { renderTable, safeText, shortDate } from '../../../src/cli/output';

describe('CLI output', () => {
	it('aligns a table on the widest cell, without trailing spaces', () => {
		expect(renderTable(['ID', 'NAME', 'LAST USED'], [['1', 'Work Laptop', 'never'], ['22', 'PC', '2026-01-02']])).toBe(
			'ID  NAME         LAST USED\n1   Work Laptop  never\n22  PC           2026-01-02'
		);
	});

	it('neutralises terminal control characters coming from the server', () => {
		expect(safeText('evil\u001b]0;title\u0007name\r\n')).toBe('evil?]0;title?name??');
		expect(renderTable(['N'], [['\u001b[31mred']])).toBe('N\n?[31mred');
	});

	it('shows dates as UTC days and null as never', () => {
		expect(shortDate('2026-05-01T23:59:00.000Z')).toBe('2026-05-01');
		expect(shortDate(null)).toBe('never');
	});
});
