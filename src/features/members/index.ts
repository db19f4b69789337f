export { createAuthService, type AuthService, type ClientMeta, type StartedSession } from './auth.service.ts';
export { createMembersService, type MembersService } from './members.service.ts';
export { authRoutes } from './auth.routes.ts';
export { membersRoutes } from './members.routes.ts';
export type { User } from './auth.schemas.ts';
export { SignedInSchema } from './auth.schemas.ts';
export { EmailSchema, PasswordSchema } from './members.schemas.ts';
