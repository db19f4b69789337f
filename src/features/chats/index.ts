export { createChatsService, type ChatsService } from './chats.service.ts';
export { createRunRecorder, type RunRecorder, type RunRef, type RunOutcome, type Turn } from './run-recorder.ts';
export { chatsRoutes } from './chats.routes.ts';
export type { Chat, Message } from './chats.schemas.ts';
