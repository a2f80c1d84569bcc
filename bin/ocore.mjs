#!/usr/bin/env node
// The `ocore` command: registers tsx (a runtime dependency) so the TypeScript sources run as they
// are, then hands over to src/cli/main.ts. tsconfig lookup is off so the user's current folder
// (whatever project it is) cannot change how the CLI compiles.
import { register } from 'tsx/esm/api';

register({ tsconfig: false });
const { run, processContext } = await import('../src/cli/main.ts');
process.exitCode = await run(process.argv.slice(2), processContext());
