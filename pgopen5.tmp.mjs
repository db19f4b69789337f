const { PGlite } = await import('@electric-sql/pglite');
const { vector } = await import('@electric-sql/pglite/vector');
const pg = await PGlite.create(process.argv[2], { extensions: { vector }, startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'] });
console.error('CREATED', String(process.hrtime.bigint() / 1000n));
await new Promise((res) => setTimeout(res, 0));
console.error('FREE', String(process.hrtime.bigint() / 1000n));
await pg.close();
