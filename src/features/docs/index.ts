export { docsRoutes } from './docs.routes.ts';
export { loadDocPages, type DocPage } from './docs-pages.ts';
export { brandRoutes, PARLEY_LOGO_SVG, PARLEY_MARK_SVG } from './brand.ts';
