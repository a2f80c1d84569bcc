/**
 * `npm start` rebuilds the dashboard only when a build input's content changed since the last
 * successful build (scripts/build-if-stale.mjs). The decision, on a throw-away project tree.
 */
import { mkdirSync, mkdtempSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDecision, writeStamp } from '../../../scripts/build-if-stale.mjs';

function project() {
	const root = mkdtempSync(path.join(tmpdir(), 'ocore-stale-'));
	const write = (file: string, text: string) => {
		mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
		writeFileSync(path.join(root, file), text);
	};
	write('src/routes/+page.svelte', '<h1>Hello</h1>');
	write('src/lib/server/x.ts', 'export const x = 1;');
	write('svelte.config.js', 'export default {};');
	write('package-lock.json', '{}');
	write('README.md', '# readme');
	const buildDir = path.join(root, 'build');
	const built = () => {
		write('build/handler.js', '// built');
		writeStamp(buildDir, buildDecision(root, buildDir).hash);
	};
	return { root, buildDir, write, built, decide: () => buildDecision(root, buildDir) };
}

describe('the stale-build check', () => {
	it('builds when there is no build, or a build without a stamp', () => {
		const p = project();
		expect(p.decide()).toMatchObject({ stale: true, reason: 'no build yet' });
		p.write('build/handler.js', '// built by hand');
		expect(p.decide()).toMatchObject({ stale: true, reason: 'no build stamp' });
	});

	it('does not build again when nothing changed, even if files were touched', () => {
		const p = project();
		p.built();
		expect(p.decide()).toMatchObject({ stale: false, reason: 'up to date' });
		const later = new Date(Date.now() + 60_000);
		utimesSync(path.join(p.root, 'src/routes/+page.svelte'), later, later);
		expect(p.decide().stale).toBe(false);
		// Files that are not build inputs never matter.
		p.write('README.md', '# changed readme');
		p.write('tests/new.test.ts', 'test');
		expect(p.decide().stale).toBe(false);
	});

	it('builds when a source, a config or the lockfile changes, or a source is added or renamed', () => {
		const changes: ((p: ReturnType<typeof project>) => void)[] = [
			(p) => p.write('src/lib/server/x.ts', 'export const x = 2;'),
			(p) => p.write('svelte.config.js', 'export default { kit: {} };'),
			(p) => p.write('package-lock.json', '{"lockfileVersion":3}'),
			(p) => p.write('static/robots.txt', 'User-agent: *'),
			(p) => renameSync(path.join(p.root, 'src/lib/server/x.ts'), path.join(p.root, 'src/lib/server/y.ts'))
		];
		for (const change of changes) {
			const p = project();
			p.built();
			change(p);
			expect(p.decide(), change.toString()).toMatchObject({ stale: true, reason: 'sources changed' });
		}
	});

	it('is up to date again once the content is back to what was built', () => {
		const p = project();
		p.built();
		p.write('src/lib/server/x.ts', 'export const x = 2;');
		expect(p.decide().stale).toBe(true);
		p.write('src/lib/server/x.ts', 'export const x = 1;');
		expect(p.decide().stale).toBe(false);
	});
});
