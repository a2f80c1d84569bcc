/** The running version, from package.json (one definition), for user agents and diagnostics. */
import pkg from '../../../package.json' with { type: 'json' };

export const APP_VERSION: string = pkg.version;
