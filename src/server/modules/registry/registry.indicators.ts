import { sql } from 'kysely';
import { HOUSE_USES, RESIDENCE_TYPES } from '../../../contract/codes.js';
import { AgeBand } from '../../../contract/registry.js';
import { TAG_CODES, TAGS, tagPermission } from '../../../contract/tags.js';
import {
  type Cell,
  cellsOf,
  type FigureDef,
  groupAt,
  type IndicatorQuery,
  type IndicatorSource,
  underNode,
} from '../../engines/figures/figures.js';
import type { Actor } from '../../platform/access/actor.js';
import { AGE_BANDS, birthRange } from './registry.policy.js';
import { addDays } from './registry.service.js';

/**
 * Registry figures (docs/indicators.md, "Registry"): stock figures, the registry as it is now
 * within the node and the actor's `person.read` scope. People count when their status is active.
 */
const people = (query: Record<string, string> = {}) => ({
  path: '/people',
  query: { status: 'active', ...query },
});

const BASE: FigureDef[] = [
  {
    key: 'registry.people',
    section: 'population',
    zh: '实有人口',
    en: 'People',
    unit: 'count',
    kind: 'stock',
    formula: { zh: '在册（状态为正常）的人员数', en: 'People on the registry whose status is active' },
    drill: people(),
  },
  ...RESIDENCE_TYPES.map(
    ({ code, zh, en }): FigureDef => ({
      key: `registry.people.${code}`,
      section: 'population',
      zh,
      en,
      unit: 'count',
      kind: 'stock',
      formula: {
        zh: `人员类型为${zh}的在册人员`,
        en: `Active people whose residence type is ${en.toLowerCase()}`,
      },
      drill: people({ residenceType: code }),
    }),
  ),
  ...AgeBand.options.map(
    (band): FigureDef => ({
      key: `registry.age.${band}`,
      section: 'population',
      zh: `${band.replace('+', '岁以上')}${band.endsWith('+') ? '' : '岁'}`,
      en: `Aged ${band}`,
      unit: 'count',
      kind: 'stock',
      formula: {
        zh: `今天年龄在 ${band} 岁的在册人员（无出生日期者不计）`,
        en: `Active people aged ${band} today (people without a birth date are not counted)`,
      },
      drill: people({ ageBand: band }),
    }),
  ),
  {
    key: 'registry.floatingRegistrationRate',
    section: 'population',
    zh: '流动人口登记率',
    en: 'Floating registration rate',
    unit: 'rate',
    kind: 'stock',
    better: 'up',
    formula: {
      zh: '已登记且未过期（登记日期已填，有效期为空或不早于今天）的流动人口 ÷ 在册流动人口',
      en: 'Floating people registered and unexpired (registered on a date, expiry empty or today or later) ÷ active floating people',
    },
    drill: people({ residenceType: 'floating' }),
  },
  {
    key: 'registry.floatingExpiring',
    section: 'population',
    zh: '30 天内到期或已过期的居住登记',
    en: 'Registrations expiring within 30 days or expired',
    unit: 'count',
    kind: 'stock',
    better: 'down',
    formula: {
      zh: '有效期不晚于今天起第 30 天的在册流动人口（含已过期）',
      en: 'Active floating people whose registration expires on or before 30 days from today (expired ones included)',
    },
    drill: people({ expiringWithinDays: '30' }),
  },
  {
    key: 'registry.healthArchiveRate',
    section: 'population',
    zh: '健康档案建档率',
    en: 'Health-archive rate',
    unit: 'rate',
    kind: 'stock',
    better: 'up',
    formula: {
      zh: '有健康档案的常住人口 ÷ 常住人口（人员类型为常住）',
      en: 'Resident people with a health archive ÷ resident people (residence type resident)',
    },
    drill: people({ residenceType: 'resident' }),
  },
  {
    key: 'registry.households',
    section: 'housing',
    zh: '户数',
    en: 'Households',
    unit: 'count',
    kind: 'stock',
    formula: { zh: '登记在房屋上的户', en: 'Households registered at a house' },
  },
  {
    key: 'registry.houses',
    section: 'housing',
    zh: '房屋数',
    en: 'Houses',
    unit: 'count',
    kind: 'stock',
    formula: { zh: '区域树上的房屋（未归档）', en: 'Houses on the area tree (not archived)' },
  },
  ...HOUSE_USES.map(
    ({ code, zh, en }): FigureDef => ({
      key: `registry.houses.${code}`,
      section: 'housing',
      zh: `房屋：${zh}`,
      en: `Houses: ${en.toLowerCase()}`,
      unit: 'count',
      kind: 'stock',
      formula: { zh: `房屋信息中用途为${zh}的房屋`, en: `Houses whose recorded use is ${en.toLowerCase()}` },
    }),
  ),
  {
    key: 'registry.rentalHouses',
    section: 'housing',
    zh: '出租房屋',
    en: 'Rental houses',
    unit: 'count',
    kind: 'stock',
    formula: {
      zh: '今天有租赁登记（开始不晚于今天、结束为空或不早于今天）的房屋',
      en: 'Houses with a rental running today (started, not ended before today)',
    },
  },
];

const TAG_FIGURES: FigureDef[] = TAG_CODES.map((code) => ({
  key: `registry.tag.${code}`,
  section: 'care',
  zh: TAGS[code].zh,
  en: TAGS[code].en,
  unit: 'count',
  kind: 'stock',
  formula: {
    zh: `带「${TAGS[code].zh}」标签的在册人员（仅对有该标签权限的角色显示）`,
    en: `Active people tagged ${TAGS[code].en} (shown only to roles that may see the tag)`,
  },
  drill: people({ tag: code }),
}));

const PEOPLE_PARTS: Record<string, [string, string?]> = {
  'registry.people': ['total'],
  'registry.people.registered': ['registered'],
  'registry.people.resident': ['resident'],
  'registry.people.floating': ['floating'],
  'registry.floatingRegistrationRate': ['floatingRegistered', 'floating'],
  'registry.floatingExpiring': ['floatingExpiring'],
  'registry.healthArchiveRate': ['residentArchived', 'resident'],
  ...Object.fromEntries(AgeBand.options.map((b, i) => [`registry.age.${b}`, [`age${i}`] as [string]])),
};

export function registryIndicators(): IndicatorSource {
  return {
    changedBy: ['person', 'household', 'house', 'area', 'import'],
    figures(actor: Actor) {
      if (!actor.can('person.read')) return [];
      return [...BASE, ...TAG_FIGURES.filter((_, i) => actor.can(tagPermission(TAG_CODES[i]!)))];
    },

    async compute(db, q: IndicatorQuery, keys) {
      const has = (prefix: string) => [...keys].some((k) => k.startsWith(prefix));
      const grp = groupAt('a.path', q.level);
      const scope = underNode('a.path', q, 'person.read');
      const out: Cell[] = [];
      const jobs: Promise<void>[] = [];

      if (Object.keys(PEOPLE_PARTS).some((k) => keys.has(k))) {
        // Age bands by birth-date ranges, the same bounds as the people list's filter.
        const bands = AgeBand.options.map((b, i) => {
          const [min, max] = AGE_BANDS[b];
          const r = birthRange(q.today, min, max);
          const lo = r.from ? sql`AND p.birth_date >= ${r.from}::date` : sql``;
          return sql`count(*) FILTER (WHERE p.birth_date <= ${r.to}::date ${lo})::int AS ${sql.ref(`age${i}`)}`;
        });
        jobs.push(
          sql<Record<string, unknown>>`
            SELECT ${grp} AS grp, count(*)::int AS total,
              count(*) FILTER (WHERE p.residence_type = 'registered')::int AS registered,
              count(*) FILTER (WHERE p.residence_type = 'resident')::int AS resident,
              count(*) FILTER (WHERE p.residence_type = 'floating')::int AS floating,
              count(*) FILTER (WHERE p.residence_type = 'floating' AND p.floating_registered_on IS NOT NULL
                AND (p.floating_expires_on IS NULL OR p.floating_expires_on >= ${q.today}::date))::int AS floating_registered,
              count(*) FILTER (WHERE p.residence_type = 'floating'
                AND p.floating_expires_on <= ${addDays(q.today, 30)}::date)::int AS floating_expiring,
              count(*) FILTER (WHERE p.residence_type = 'resident' AND p.health_archive)::int AS resident_archived,
              ${sql.join(bands)}
            FROM people p JOIN areas a ON a.id = p.area_id
            WHERE p.status = 'active' AND ${scope}
            GROUP BY 1`
            .execute(db)
            .then((r) => void out.push(...cellsOf(r.rows, PEOPLE_PARTS, keys))),
        );
      }

      const tags = TAG_CODES.filter((c) => keys.has(`registry.tag.${c}`));
      if (tags.length) {
        // Each tag within the scope of its own permission.
        const parts = tags.map((c) => {
          const paths = q.actor.pathsFor(tagPermission(c));
          return paths.length ? sql`(t.tag = ${c} AND a.path <@ ${sql.val(paths)}::ltree[])` : sql`false`;
        });
        jobs.push(
          sql<{ grp: number | null; tag: string; n: number }>`
            SELECT ${grp} AS grp, t.tag, count(DISTINCT p.id)::int AS n
            FROM person_tags t JOIN people p ON p.id = t.person_id JOIN areas a ON a.id = p.area_id
            WHERE p.status = 'active' AND ${scope} AND (${sql.join(parts, sql` OR `)})
            GROUP BY 1, 2`
            .execute(db)
            .then((r) => {
              for (const x of r.rows)
                out.push({ group: x.grp, key: `registry.tag.${x.tag}`, n: x.n, d: null });
            }),
        );
      }

      if (keys.has('registry.households')) {
        jobs.push(
          sql<Record<string, unknown>>`
            SELECT ${grp} AS grp, count(*)::int AS n
            FROM households h JOIN areas a ON a.id = h.area_id
            WHERE ${scope} GROUP BY 1`
            .execute(db)
            .then((r) => void out.push(...cellsOf(r.rows, { 'registry.households': ['n'] }, keys))),
        );
      }

      if (has('registry.houses') || keys.has('registry.rentalHouses')) {
        const uses = HOUSE_USES.map(
          ({ code }) => sql`count(*) FILTER (WHERE hi.use = ${code})::int AS ${sql.ref(`use_${code}`)}`,
        );
        const camel = (code: string) => `use${code[0]!.toUpperCase()}${code.slice(1)}`;
        jobs.push(
          sql<Record<string, unknown>>`
            SELECT ${grp} AS grp, count(*)::int AS n, ${sql.join(uses)},
              count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM rentals r WHERE r.house_id = a.id AND r.start_date <= ${q.today}::date
                  AND (r.end_date IS NULL OR r.end_date >= ${q.today}::date)))::int AS rented
            FROM areas a LEFT JOIN house_info hi ON hi.area_id = a.id
            WHERE a.kind = 'house' AND a.status = 'active' AND ${scope}
            GROUP BY 1`
            .execute(db)
            .then(
              (r) =>
                void out.push(
                  ...cellsOf(
                    r.rows,
                    {
                      'registry.houses': ['n'],
                      'registry.rentalHouses': ['rented'],
                      ...Object.fromEntries(
                        HOUSE_USES.map(({ code }) => [`registry.houses.${code}`, [camel(code)] as [string]]),
                      ),
                    },
                    keys,
                  ),
                ),
            ),
        );
      }
      await Promise.all(jobs);
      return out;
    },
  };
}
