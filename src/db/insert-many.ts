import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.ts';

/** Rows for one table; see `rowsFor` for the rule on their keys. */
export interface RowsInsert<T extends PgTable = PgTable> {
  table: T;
  rows: Array<T['$inferInsert']>;
}

/**
 * Rows for `writeRows`, each table's written as one JSON parameter:
 * `insert ... select ... from json_to_recordset($1) as r(col type, ...)`. Only for tables whose
 * columns JSON carries exactly (text, numbers, booleans, timestamps, json, tsvector as its text): not bytea,
 * vectors or arrays.
 *
 * One JSON document rather than an array parameter per column (`unnest($1::text[], ...)`, as before):
 * the drivers serialise array parameters in JavaScript, element by element, escaping each for the
 * array literal, where `JSON.stringify` is native and a jsonb value goes in as part of the document
 * rather than as a string of its own. On the invoke path's group commit that took the database
 * driver's CPU from ~64 to ~30 us per call (`npm run bench:profile -- --postgres`).
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
  const shapes: Array<{ table: PgTable; columns: ColumnInfo[] }> = [];
  for (const { table, rows } of parts) {
    if (rows.length === 0) continue;
    const records = rows as Array<Record<string, unknown>>;
    const columns = columnsOf(table).filter((c) => records.some((r) => r[c.key] !== undefined));
    const unfit = columns.find((c) => !c.jsonForm);
    if (unfit) throw new Error(`writeRows: column ${getTableName(table)}.${unfit.name} (${unfit.sqlType}) has no JSON form`);
    const out = new Array<Record<string, unknown>>(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const o: Record<string, unknown> = {};
      for (const c of columns) {
        const v = r[c.key];
        if (v !== undefined && v !== null) o[c.name] = c.toJson ? c.toJson(v) : v;
      }
      out[i] = o;
    }
    params.push(JSON.stringify(out));
    shapes.push({ table, columns });
  }
  if (shapes.length === 0) return undefined;
  const key = shapes.map((s) => `${getTableName(s.table)}(${s.columns.map((c) => c.name).join(',')})`).join(';');
  let text = texts.get(key);
  if (!text) {
    let n = 0;
    const statements = shapes.map(({ table, columns }) => {
      const names = columns.map((c) => quoteIdent(c.name)).join(', ');
      const types = columns.map((c) => `${quoteIdent(c.name)} ${c.jsonType}`).join(', ');
      const values = columns.map((c) => c.select).join(', ');
      return `insert into ${quoteIdent(getTableName(table))} (${names}) select ${values} from json_to_recordset($${++n}::json) as r(${types})`;
    });
    const last = statements.pop()!;
    text = statements.length ? `with ${statements.map((s, i) => `w${i + 1} as (${s})`).join(', ')} ${last}` : last;
    if (texts.size > 1000) texts.clear();
    texts.set(key, text);
  }
  return { text, params };
}

interface ColumnInfo {
  /** The property name in Drizzle rows. */
  key: string;
  /** The SQL column name. */
  name: string;
  sqlType: string;
  jsonForm: boolean;
  /** The type the JSON document's field is read as, and the expression that makes the column's value of it. */
  jsonType: string;
  select: string;
  /** How a value goes into the JSON document, when not as it is. */
  toJson?: (v: unknown) => unknown;
}

/** Per table, built once: `getTableColumns` copies the columns on every call, `getSQLType` builds a string. */
const tableColumns = new WeakMap<PgTable, ColumnInfo[]>();

function columnsOf(table: PgTable): ColumnInfo[] {
  let infos = tableColumns.get(table);
  if (!infos) {
    infos = Object.entries(getTableColumns(table)).map(([key, column]): ColumnInfo => {
      const sqlType = column.getSQLType();
      const name = quoteIdent(column.name);
      const info: ColumnInfo = { key, name: column.name, sqlType, jsonForm: JSON_FORM.test(sqlType), jsonType: sqlType, select: name };
      if (sqlType === 'tsvector') {
        // A tsvector's text form goes as a JSON string and is read back with its input function.
        Object.assign(info, { jsonForm: true, jsonType: 'text', select: `${name}::tsvector` });
      } else if (column.columnType === 'PgCustomColumn') info.toJson = (v) => column.mapToDriverValue(v);
      else if (column.columnType === 'PgBigInt64') info.toJson = (v) => String(v);
      else if (column.columnType === 'PgTimestamp') {
        // Dates go as epoch milliseconds, made a timestamp in SQL with integer arithmetic (exact): JSON.stringify
        // turning each Date into ISO text through its toJSON cost more than all the rest of the document.
        info.toJson = (v) => (v instanceof Date ? v.getTime() : new Date(v as string).getTime());
        info.jsonType = 'bigint';
        const epoch = sqlType.includes('with time zone') ? "timestamptz 'epoch'" : "timestamp 'epoch'";
        info.select = `${epoch} + ${name} * interval '1 millisecond'`;
      }
      return info;
    });
    tableColumns.set(table, infos);
  }
  return infos;
}

/** Types whose values JSON carries exactly (a JSON string is read as the type's text input). */
const JSON_FORM = /^(text|varchar(\(\d+\))?|char(\(\d+\))?|smallint|integer|bigint|boolean|real|double precision|numeric(\(.*\))?|date|uuid|json|jsonb|timestamp(\(\d\))?( with(out)? time zone)?)$/;

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
