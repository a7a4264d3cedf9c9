import { sql } from 'kysely';
import type { AreaKind } from '../../../contract/areas.js';
import { DEMO } from '../../platform/demo.js';
import type { Services } from '../../platform/services.js';

/**
 * The demo street, modelled on the seeds: 汨罗市 → 城关街道 with 9 communities. 友谊河 [004] is
 * detailed: 4 grids bounded by roads, 11 residential + 4 scattered + 10 unit compounds, their
 * buildings, units and houses (1,700 houses for its 1,565 resident households). The other
 * communities have grids, compounds, buildings of 2–3 units and 6–8 floors, and houses (≈19,500
 * in all), enough for the street's ≈63,000 people (registry.seed.ts fills them). Deterministic;
 * inserted in bulk with ids assigned here (友谊河's ids come first and do not move).
 */

type Node = {
  id: number;
  parentId: number | null;
  kind: AreaKind;
  code: string;
  name: string;
  sortOrder: number;
  path: string;
  depth: number;
  boundary: string | null;
  center: string | null;
};

const rect = (x0: number, y0: number, x1: number, y1: number) =>
  `((${x0.toFixed(6)},${y0.toFixed(6)}),(${x1.toFixed(6)},${y0.toFixed(6)}),(${x1.toFixed(6)},${y1.toFixed(6)}),(${x0.toFixed(6)},${y1.toFixed(6)}))`;
const mid = (x0: number, y0: number, x1: number, y1: number) =>
  `(${((x0 + x1) / 2).toFixed(6)},${((y0 + y1) / 2).toFixed(6)})`;

const GRID_ROADS = ['建设路—高泉南路', '建设路—大众南路', '罗城路—高泉南路', '罗城路—大众南路'];
const ORDINAL = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const RES_COMPOUNDS = [
  '友谊花园',
  '河畔小区',
  '锦绣家园',
  '阳光新城',
  '金色华庭',
  '和平苑',
  '幸福里',
  '翠竹园',
  '滨河湾',
  '书香门第',
  '怡景苑',
];
const SCATTERED = ['建设路散户片区', '高泉南路散户片区', '罗城路散户片区', '大众南路散户片区'];
const UNIT_COMPOUNDS = [
  '市供电公司宿舍',
  '市一中宿舍',
  '市人民医院宿舍',
  '市粮食局宿舍',
  '市财政局宿舍',
  '市邮政局宿舍',
  '市水务局宿舍',
  '市交通局宿舍',
  '市法院宿舍',
  '市农业银行宿舍',
];
const OTHER_COMPOUNDS = ['新村', '花苑', '家园', '小区', '嘉园', '公寓'];

export function buildDemoTree(): Node[] {
  const nodes: Node[] = [];
  let nextId = 1;
  const add = (
    parent: Node | null,
    kind: AreaKind,
    code: string,
    name: string,
    sortOrder: number,
    box?: number[],
  ) => {
    const id = nextId++;
    const n: Node = {
      id,
      parentId: parent?.id ?? null,
      kind,
      code,
      name,
      sortOrder,
      path: parent ? `${parent.path}.${id}` : String(id),
      depth: parent ? parent.depth + 1 : 1,
      boundary: box ? rect(box[0]!, box[1]!, box[2]!, box[3]!) : null,
      center: box ? mid(box[0]!, box[1]!, box[2]!, box[3]!) : null,
    };
    nodes.push(n);
    return n;
  };
  const seq = (n: number, len: number) => String(n).padStart(len, '0');

  // The street spans about 4.2 km × 3.3 km around Miluo's centre; communities in a 3 × 3 layout,
  // numbered west→east, north→south as grid codes are.
  const [lng0, lat1] = [113.05, 28.83];
  const cw = 0.0145;
  const ch = 0.011;
  const district = add(null, 'district', DEMO.district.code, DEMO.district.name, 0, [
    lng0 - 0.02,
    lat1 - 3 * ch - 0.02,
    lng0 + 3 * cw + 0.02,
    lat1 + 0.02,
  ]);
  const street = add(district, 'street', DEMO.street.code, DEMO.street.name, 0, [
    lng0,
    lat1 - 3 * ch,
    lng0 + 3 * cw,
    lat1,
  ]);

  DEMO.communities.forEach((cname, ci) => {
    const col = ci % 3;
    const row = Math.floor(ci / 3);
    const cx0 = lng0 + col * cw;
    const cy1 = lat1 - row * ch;
    const cbox = [cx0, cy1 - ch, cx0 + cw, cy1];
    const community = add(street, 'community', street.code + seq(ci + 1, 3), cname, ci, cbox);
    const detailed = cname === DEMO.detailed;
    const gridCount = detailed ? 4 : 3 + (ci % 3);
    const gcols = detailed ? 2 : gridCount;
    const grows = detailed ? 2 : 1;
    for (let g = 0; g < gridCount; g++) {
      const gc = g % gcols;
      const gr = Math.floor(g / gcols);
      const gw = cw / gcols;
      const gh = ch / grows;
      const gbox = [cx0 + gc * gw, cy1 - (gr + 1) * gh, cx0 + (gc + 1) * gw, cy1 - gr * gh];
      const gname = detailed ? `第${ORDINAL[g]}网格（${GRID_ROADS[g]}）` : `第${ORDINAL[g]}网格`;
      const grid = add(community, 'grid', community.code + seq(g + 1, 3), gname, g, gbox);

      // Compounds of this grid.
      const compounds: { name: string; buildings: number; units: number; floors?: number }[] = [];
      if (detailed) {
        // 11 residential, 4 scattered, 10 unit compounds spread over the 4 grids.
        for (const [i, n] of RES_COMPOUNDS.entries())
          if (i % 4 === g) compounds.push({ name: n, buildings: 6, units: 2 });
        compounds.push({ name: SCATTERED[g]!, buildings: 2, units: 1 });
        for (const [i, n] of UNIT_COMPOUNDS.entries())
          if (i % 4 === g) compounds.push({ name: n, buildings: 3, units: 1 });
      } else {
        const k = 2 + ((ci + g) % 3);
        for (let i = 0; i < k; i++) {
          compounds.push({
            name: `${cname.replace('社区', '')}${OTHER_COMPOUNDS[(g + i) % OTHER_COMPOUNDS.length]}${i > 2 ? i : ''}`,
            buildings: 3 + ((ci + g + i) % 4),
            units: 2 + ((ci + g + i) % 2),
            floors: 6 + ((ci + i) % 3),
          });
        }
      }
      const per = Math.ceil(Math.sqrt(compounds.length));
      compounds.forEach((c, i) => {
        const pc = i % per;
        const pr = Math.floor(i / per);
        const w = (gbox[2]! - gbox[0]!) / per;
        const h = (gbox[3]! - gbox[1]!) / per;
        const box = [
          gbox[0]! + pc * w + w * 0.12,
          gbox[3]! - (pr + 1) * h + h * 0.12,
          gbox[0]! + (pc + 1) * w - w * 0.12,
          gbox[3]! - pr * h - h * 0.12,
        ];
        const compound = add(grid, 'compound', grid.code + seq(i + 1, 3), c.name, i, box);
        for (let b = 1; b <= c.buildings; b++) {
          const building = add(compound, 'building', compound.code + seq(b, 3), `${b}栋`, b);
          for (let u = 1; u <= c.units; u++) {
            const unit = add(building, 'unit', building.code + seq(u, 2), `${u}单元`, u);
            let h = 0;
            // 友谊河: 5 floors × 2 doors; elsewhere 6–8 floors of 2 or 3 doors.
            const floors = c.floors ?? 5;
            const doors = detailed ? 2 : 2 + ((g + i + b + u) % 2);
            for (let floor = 1; floor <= floors; floor++) {
              for (let door = 1; door <= doors; door++) {
                h++;
                add(unit, 'house', unit.code + seq(h, 4), `${floor}0${door}室`, h);
              }
            }
          }
        }
      });
    }
  });
  return nodes;
}

export async function seedDemoStreet(s: Services): Promise<void> {
  const existing = await s.db.selectFrom('areas').select('id').limit(1).executeTakeFirst();
  if (existing) return;
  const nodes = buildDemoTree();
  await s.db.transaction().execute(async (trx) => {
    for (let i = 0; i < nodes.length; i += 1000) {
      const chunk = nodes.slice(i, i + 1000);
      await trx
        .insertInto('areas')
        .values(
          chunk.map((n) => ({
            id: n.id,
            parentId: n.parentId,
            kind: n.kind,
            code: n.code,
            name: n.name,
            sortOrder: n.sortOrder,
            path: n.path,
            depth: n.depth,
            boundary: n.boundary,
            center: n.center,
          })) as never,
        )
        .execute();
    }
    await sql`SELECT setval(pg_get_serial_sequence('areas', 'id'), (SELECT max(id) FROM areas))`.execute(trx);
  });
}
