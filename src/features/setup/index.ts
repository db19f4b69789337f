export { createSetupService, type SetupService, type BootstrapResult } from './setup.service.ts';
