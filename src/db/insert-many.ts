import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.ts';

/** Rows for one table; see `rowsFor` for the rule on their keys. */
export interface RowsInsert<T extends PgTable = PgTable> {
  table: T;
  rows: Array<T['$inferInsert']>;
}

/**
 * Rows for `writeRows`, each table's written with one parameter per column:
 * `insert ... select * from unnest($1::text[], ...)`.
 *
 * Drizzle's multi-row `insert().values(rows)` builds a SQL chunk and a parameter per value; at the
 * few hundred rows of a group commit that was a tenth of the invoke path's CPU and a fifth of its
 * garbage (profiles of `npm run bench`), and its statement text changed with every row count.
 * Here the text depends only on the columns. Columns are the union of the rows' keys; a row that
 * lacks one of them stores NULL there (not the column's default), so give every row the same keys.
 */
export const rowsFor = <T extends PgTable>(table: T, rows: Array<T['$inferInsert']>): RowsInsert => ({ table, rows }) as RowsInsert;

/**
 * Inserts into several tables as ONE statement (`with w1 as (insert ...), w2 as (insert ...)
 * insert ...`), so a group commit costs one round trip and no BEGIN/COMMIT: on the embedded database
 * each statement costs ~0.3 ms before any row is written. The statement is atomic, and foreign
 * keys between its parts hold (they are checked when the whole statement ends). Parts are written
 * in the order given; empty ones are skipped.
 */
export async function writeRows(db: DbOrTx, parts: RowsInsert[]): Promise<void> {
  const compiled = compileInserts(parts);
  if (compiled) await rawClient(db).query(compiled.text, compiled.params);
}

/** A statement's text per shape (tables and columns), built once: only the parameters change per call. */
const texts = new Map<string, string>();

export function compileInserts(parts: RowsInsert[]): { text: string; params: unknown[] } | undefined {
  const params: unknown[] = [];
  const shapes: Array<{ table: PgTable; columns: PgColumn[] }> = [];
  for (const { table, rows } of parts) {
    if (rows.length === 0) continue;
    const records = rows as Array<Record<string, unknown>>;
    const all = getTableColumns(table);
    const keys = Object.keys(all).filter((k) => records.some((r) => r[k] !== undefined));
    const columns = keys.map((k) => all[k]!);
    keys.forEach((k, i) => {
      const column = columns[i]!;
      params.push(records.map((r) => (r[k] === undefined || r[k] === null ? null : column.mapToDriverValue(r[k]))));
    });
    shapes.push({ table, columns });
  }
  if (shapes.length === 0) return undefined;
  const key = shapes.map((s) => `${getTableName(s.table)}(${s.columns.map((c) => c.name).join(',')})`).join(';');
  let text = texts.get(key);
  if (!text) {
    let n = 0;
    const statements = shapes.map(({ table, columns }) => {
      const names = columns.map((c) => quoteIdent(c.name)).join(', ');
      const arrays = columns.map((c) => `$${++n}::${c.getSQLType()}[]`).join(', ');
      return `insert into ${quoteIdent(getTableName(table))} (${names}) select * from unnest(${arrays})`;
    });
    const last = statements.pop()!;
    text = statements.length ? `with ${statements.map((s, i) => `w${i + 1} as (${s})`).join(', ')} ${last}` : last;
    if (texts.size > 1000) texts.clear();
    texts.set(key, text);
  }
  return { text, params };
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The driver client under a Drizzle database or transaction (a PGlite client, its transaction, a
 * node-postgres pool or pool client): all take `query(text, params)`. Used for statements whose
 * text is cached, which Drizzle would rebuild from its chunks on every call (~0.3 ms per group
 * commit on the main thread).
 */
function rawClient(db: DbOrTx): { query(text: string, params: unknown[]): Promise<unknown> } {
  return (db as unknown as { session: { client: { query(text: string, params: unknown[]): Promise<unknown> } } }).session.client;
}
