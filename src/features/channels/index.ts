export { createChannelsService, type ChannelsService } from './channels.service.ts';
export { channelsRoutes } from './channels.routes.ts';
