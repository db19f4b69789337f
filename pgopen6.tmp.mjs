const { PGlite } = await import('@electric-sql/pglite');
const { vector } = await import('@electric-sql/pglite/vector');
const pg = await PGlite.create(process.argv[2], { extensions: { vector }, startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'] });
const t = performance.now();
const { monitorEventLoopDelay } = await import('node:perf_hooks');
setImmediate(() => console.log('immediate', (performance.now() - t).toFixed(1)));
process.nextTick(() => console.log('tick', (performance.now() - t).toFixed(1)));
setTimeout(() => console.log('timeout', (performance.now() - t).toFixed(1)), 0);
setTimeout(async () => { const t2 = performance.now(); await pg.query('select 1'); console.log('query at', (t2 - t).toFixed(1), 'took', (performance.now() - t2).toFixed(1)); await pg.close(); }, 400);
