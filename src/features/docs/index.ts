export { docsRoutes } from './docs.routes.ts';
export { loadDocPages, type DocPage } from './docs-pages.ts';
