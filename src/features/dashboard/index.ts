export { dashboardAssetRoutes } from './dashboard-assets.routes.ts';
export { DASHBOARD_BUILD_DIR, type DashboardBuild, loadDashboardBuild } from './dashboard-assets.ts';
