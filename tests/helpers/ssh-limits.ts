/** The gateway limits the SSH suite's server runs with (short, so limit tests take seconds). */
/** Long enough that a busy 2-core machine never trips it by accident between two chunks. */
export const TEST_IDLE_TIMEOUT_SECONDS = 4;
export const TEST_MAX_SESSIONS_PER_USER = 2;
/** The platform administrator of the suite's server: only they may register the local Docker socket. */
export const PLATFORM_ADMIN_EMAIL = 'gateway-admin@ssh.test';
