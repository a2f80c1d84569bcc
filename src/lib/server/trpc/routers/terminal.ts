/** The browser terminal: a one-time ticket for `GET /ws/terminal` (terminal/request-ticket.ts). */
import { requestTerminalTicket } from '../../terminal/request-ticket';
import { instanceProcedure, router } from '../init';

export const terminalRouter = router({
	ticket: instanceProcedure.meta({ permission: 'view:instances' }).mutation(({ ctx, input }) => requestTerminalTicket(ctx.app, ctx.auth, input.slug))
});
