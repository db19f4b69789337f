export { createWidgetService, type WidgetService } from './widget.service.ts';
export { widgetRoutes } from './widget.routes.ts';
export { widgetAssetRoutes } from './widget-assets.routes.ts';
export { loadWidgetBuild, type WidgetBuild, WIDGET_BUILD_DIR } from './widget-assets.ts';
