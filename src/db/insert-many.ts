import { getTableColumns, type SQL, sql } from 'drizzle-orm';
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
  const statement = insertManySql(table, rows);
  if (statement) await db.execute(statement);
}

/** The statement `insertMany` runs, to compose with others (`combineWrites`); undefined for no rows. */
export function insertManySql<T extends PgTable>(table: T, rows: Array<T['$inferInsert']>): SQL | undefined {
  if (rows.length === 0) return undefined;
  const columns = getTableColumns(table);
  const records = rows as Array<Record<string, unknown>>;
  const keys = Object.keys(columns).filter((k) => records.some((r) => r[k] !== undefined));
  const names = keys.map((k) => sql.identifier(columns[k]!.name));
  const arrays = keys.map((k) => {
    const column = columns[k]!;
    const values = records.map((r) => (r[k] === undefined || r[k] === null ? null : column.mapToDriverValue(r[k])));
    return sql`${sql.param(values)}::${sql.raw(column.getSQLType())}[]`;
  });
  return sql`insert into ${table} (${sql.join(names, sql`, `)}) select * from unnest(${sql.join(arrays, sql`, `)})`;
}

/**
 * Several inserts as ONE statement (`with w1 as (insert ...), w2 as (insert ...) insert ...`), so a
 * group commit costs one round trip and no BEGIN/COMMIT: on the embedded database each statement
 * costs ~0.3 ms before any row is written. The statement is atomic, and foreign keys between its
 * parts hold (they are checked when the whole statement ends). Undefined when there is nothing.
 */
export function combineWrites(statements: Array<SQL | undefined>): SQL | undefined {
  const parts = statements.filter((s): s is SQL => s !== undefined);
  if (parts.length <= 1) return parts[0];
  const ctes = parts.slice(0, -1).map((s, i) => sql`${sql.identifier(`w${i + 1}`)} as (${s})`);
  return sql`with ${sql.join(ctes, sql`, `)} ${parts[parts.length - 1]!}`;
}
