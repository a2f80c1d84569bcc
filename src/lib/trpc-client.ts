/**
 * The browser's tRPC client, end-to-end typed by the server's router (a type-only import: no server
 * code reaches the bundle). Pages load data through server loads and change it through form actions,
 * so they work without JavaScript; this client is for interactive widgets that need a live call.
 * Requests are same-origin and carry the session cookie, which the server's origin check requires.
 */
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '$lib/server/trpc/root';

export const trpc = createTRPCClient<AppRouter>({
	links: [httpBatchLink({ url: '/api/trpc', transformer: superjson })]
});
