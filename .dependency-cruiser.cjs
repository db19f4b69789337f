/**
 * The architecture's import rules (see ../shared/conventions.md, "Import rules"), checked by `npm test`.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'lib-is-a-leaf',
      comment: 'lib/ holds tiny pure helpers: it imports nothing else from src/.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'lower-layers-never-import-features',
      comment: 'config, db, infra, llm and jobs serve features; they never reach into them.',
      severity: 'error',
      from: { path: '^src/(config|db|infra|llm|jobs|http)/' },
      to: { path: '^src/features/' },
    },
    {
      name: 'features-meet-through-index',
      comment: "A feature reaches another feature only through that feature's index.ts.",
      severity: 'error',
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/[^/]+/', pathNot: ['^src/features/$1/', '^src/features/[^/]+/index\\.ts$'] },
    },
    {
      name: 'only-app-knows-adapters',
      comment: 'Concrete adapters (memory, redis, postgres implementations of a port) are chosen in app/ only.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/app/', '^src/infra/', '\\.test\\.ts$'] },
      to: { path: '^src/infra/[^/]+/(memory|redis|postgres)-[^/]+\\.ts$' },
    },
    {
      name: 'outside-code-talks-http',
      comment: 'The dashboard, the widget, browser tests and benchmarks use the server over HTTP, never its modules.',
      severity: 'error',
      from: { path: '^(web|e2e|bench)/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
