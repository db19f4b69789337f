import { getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.ts';

/**
 * Inserts many rows with one parameter per column: `insert ... select * from unnest($1::text[], ...)`.
 *
 * Drizzle's multi-row `insert().values(rows)` builds a SQL chunk and a parameter per value; at the
 * few hundred rows of a group commit that was a tenth of the invoke path's CPU and a fifth of its
 * garbage (profiles of `npm run bench`), and its statement text changed with every row count.
 * Here the text depends only on the columns. Columns are the union of the rows' keys; a row that
 * lacks one of them stores NULL there (not the column's default), so give every row the same keys.
 */
export async function insertMany<T extends PgTable>(db: DbOrTx, table: T, rows: Array<T['$inferInsert']>): Promise<void> {
  if (rows.length === 0) return;
  const columns = getTableColumns(table);
  const records = rows as Array<Record<string, unknown>>;
  const keys = Object.keys(columns).filter((k) => records.some((r) => r[k] !== undefined));
  const names = keys.map((k) => sql.identifier(columns[k]!.name));
  const arrays = keys.map((k) => {
    const column = columns[k]!;
    const values = records.map((r) => (r[k] === undefined || r[k] === null ? null : column.mapToDriverValue(r[k])));
    return sql`${sql.param(values)}::${sql.raw(column.getSQLType())}[]`;
  });
  await db.execute(sql`insert into ${table} (${sql.join(names, sql`, `)}) select * from unnest(${sql.join(arrays, sql`, `)})`);
}
