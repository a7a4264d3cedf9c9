import { type RawBuilder, sql } from 'kysely';
import { AREA_LABEL_PREFIX, AREA_LABEL_SEPARATOR, type AreaKind } from '../../../contract/areas.js';

const prefixed = (Object.entries(AREA_LABEL_PREFIX) as [AreaKind, readonly AreaKind[]][]).filter(
  ([, p]) => p.length > 0,
);

/**
 * The label of the area aliased `alias` (a row of `areas`) in SQL, the same as the contract's
 * `areaLabel`: its name after the ancestors that tell it apart ("友谊河社区 / 第一网格"). One
 * indexed ancestor lookup (`path @>`, GiST) per row: for list pages and exports, not aggregates.
 */
export function areaLabelSql(alias: string): RawBuilder<string> {
  const a = sql.table(alias);
  const when = prefixed.map(
    ([kind, kinds]) =>
      sql`(${a}.kind = ${sql.lit(kind)} AND x.kind IN (${sql.join(kinds.map((k) => sql.lit(k)))}))`,
  );
  return sql<string>`(SELECT string_agg(x.name, ${sql.lit(AREA_LABEL_SEPARATOR)} ORDER BY nlevel(x.path))
    FROM areas x WHERE x.path @> ${a}.path AND (x.id = ${a}.id OR ${sql.join(when, sql` OR `)}))`;
}
