export { createWidgetService, type WidgetService } from './widget.service.ts';
export { widgetRoutes } from './widget.routes.ts';
