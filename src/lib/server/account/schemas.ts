/** Input truth for a user's own account (profile, email change, deletion): REST, tRPC, forms and tests. */
import { z } from 'zod';
import { emailSchema, nameSchema, presentedPasswordSchema } from '../auth/schemas';

const currentPassword = presentedPasswordSchema('Current password is required');

export const updateNameInput = z.object({ name: nameSchema });
export type UpdateNameInput = z.infer<typeof updateNameInput>;

export const requestEmailChangeInput = z.object({ email: emailSchema, currentPassword });
export type RequestEmailChangeInput = z.infer<typeof requestEmailChangeInput>;

export const confirmEmailChangeInput = z.object({ token: z.string({ error: 'Token is required' }).min(1, 'Token is required').max(512) });

export const deleteAccountInput = z.object({ currentPassword });
export type DeleteAccountInput = z.infer<typeof deleteAccountInput>;
