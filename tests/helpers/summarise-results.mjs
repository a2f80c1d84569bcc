// Adds up the Vitest and Playwright JSON reports into the one closing line CI reads:
// "tests: N passed, N failed, N skipped". A missing report counts as a failure, never as zero tests.
import { existsSync, readFileSync } from 'node:fs';

const [vitestFile, playwrightFile] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

if (vitestFile && existsSync(vitestFile)) {
	const v = JSON.parse(readFileSync(vitestFile, 'utf8'));
	passed += v.numPassedTests ?? 0;
	failed += (v.numFailedTests ?? 0) + countFilesFailedWithoutFailedTests(v);
	skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
} else {
	console.error('Vitest report missing');
	failed += 1;
}

if (playwrightFile && existsSync(playwrightFile)) {
	const p = JSON.parse(readFileSync(playwrightFile, 'utf8'));
	passed += (p.stats?.expected ?? 0) + (p.stats?.flaky ?? 0);
	failed += p.stats?.unexpected ?? 0;
	skipped += p.stats?.skipped ?? 0;
	if ((p.errors ?? []).length > 0) failed += p.errors.length;
} else {
	console.error('Playwright report missing');
	failed += 1;
}

// A test file that failed without a failing test (an import error, a crashed hook) counts once.
function countFilesFailedWithoutFailedTests(v) {
	return (v.testResults ?? []).filter((s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed')).length;
}

console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
