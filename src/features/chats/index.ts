export { createChatsService, type ChatsService } from './chats.service.ts';
export { createRunRecorder, type ChatChannel, type RunRecorder, type RunRef, type RunOutcome, type ToolActivity, type Turn } from './run-recorder.ts';
export { chatsRoutes } from './chats.routes.ts';
export type { Chat, Message } from './chats.schemas.ts';
export { createChatStateService, type ChatStateService, type Handover, type ChatActor, SYSTEM_CHAT_ACTOR } from './chat-state.service.ts';
export { chatStateRoutes } from './chat-state.routes.ts';
export { memoriesRoutes } from './memories.routes.ts';
export { createMemoriesService, type MemoriesService } from './memories.service.ts';
export { createFollowThrough, type FollowThrough, DEFAULT_AUTO_RESOLVE_MINUTES } from './follow-through.ts';
export { chatJobCatalog, chatJobHandlers, chatRecurringJobs, type ChatJobCatalog } from './chats.jobs.ts';
export { asksForHuman, handoverNotice } from './handover.ts';
export type { ChatView } from './chats.repo.ts';
export { CHAT_CHANNEL_TYPES, ChatSchema, MessageSchema } from './chats.schemas.ts';
export { textOf, toChat } from './chat-views.ts';
// The inbox lists chats through these (filters of its own, the same chat objects).
export { pageOfChats } from './chats.repo.ts';
export { memberOfUser, unknownInboxMembers } from './chat-state.repo.ts';
export { createChatLive, type ChatLive } from './chat-live.ts';
