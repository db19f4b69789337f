export { createChatsService, type ChatsService, type RunRef, type Turn } from './chats.service.ts';
export { chatsRoutes } from './chats.routes.ts';
export type { Chat, Message } from './chats.schemas.ts';
