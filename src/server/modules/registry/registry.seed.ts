import { sql } from 'kysely';
import { idCheckDigit } from '../../../contract/identifiers.js';
import type { TagCode } from '../../../contract/tags.js';
import { writeAudit } from '../../platform/audit/audit.js';
import type { Keyring } from '../../platform/crypto/keys.js';
import type { Conn } from '../../platform/db/index.js';
import { DEMO, demoRng } from '../../platform/demo.js';
import type { Services } from '../../platform/services.js';
import { nameKeys } from './pinyin.js';

/**
 * The demo street's registry, at the seeds' scale (DOMAIN §7): ≈63,000 people in ≈23,000
 * households over the 9 communities' ≈21,700 houses, ≈22,000 of them floating.
 *
 * 友谊河 keeps its report's figures [004]: 1,565 resident households (常住户, head not floating)
 * with 4,695 people living there, 9,383 people in all — the others are floating people (in
 * rentals, dormitories, with relatives, in homes they bought) and registered people living
 * elsewhere (人户分离: households of kind 'registered' whose members' current address is outside).
 *
 * Everything is drawn from one seeded PRNG, so a fresh start always produces the same people
 * (ciphertexts differ: AES-GCM takes a random IV). The generator works community by community
 * with ids assigned here, so the bench (bench/registry.ts) reuses it to write a million people.
 */

// ————————————————————————————— random —————————————————————————————

export interface Rng {
  /** [0, 1) */
  next(): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
}

/** The demo's seeded PRNG (`platform/demo.ts`, sfc32): the same sequence for the same seed. */
export function createRng(seed: string | number): Rng {
  return demoRng(String(seed));
}

/** A weighted table, picked in O(log n). */
function weighted<T>(rows: [T, number][]): (r: Rng) => T {
  const cum: number[] = [];
  let total = 0;
  for (const [, w] of rows) {
    total += w;
    cum.push(total);
  }
  return (r) => {
    const x = r.next() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (cum[m]! > x) hi = m;
      else lo = m + 1;
    }
    return rows[lo]![0];
  };
}

function shuffle<T>(r: Rng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

// ————————————————————————————— identifiers —————————————————————————————

/** Address codes (GB/T 2260) with the province-level text used in registered addresses. */
export const LOCAL_REGIONS: [string, string, number][] = [
  ['430681', '湖南省汨罗市', 80],
  ['430602', '湖南省岳阳市岳阳楼区', 5],
  ['430621', '湖南省岳阳县', 5],
  ['430626', '湖南省平江县', 6],
  ['430682', '湖南省临湘市', 4],
];
export const FLOATING_REGIONS: [string, string, number][] = [
  ['430626', '湖南省平江县', 18],
  ['430621', '湖南省岳阳县', 10],
  ['430102', '湖南省长沙市芙蓉区', 6],
  ['421002', '湖北省荆州市沙市区', 14],
  ['360424', '江西省修水县', 12],
  ['441900', '广东省东莞市', 8],
  ['510722', '四川省三台县', 12],
  ['411323', '河南省淅川县', 10],
];
const localRegion = weighted(LOCAL_REGIONS.map((x) => [x, x[2]] as [typeof x, number]));
const floatingRegion = weighted(FLOATING_REGIONS.map((x) => [x, x[2]] as [typeof x, number]));

/** A valid 18-character 公民身份号码 (GB 11643), unique within `taken`. */
export function makeIdNumber(
  r: Rng,
  region: string,
  birth: string,
  sex: 'M' | 'F',
  taken: Set<string>,
): string {
  const ymd = birth.replaceAll('-', '');
  for (;;) {
    let seq = r.int(0, 499) * 2 + (sex === 'M' ? 1 : 0);
    if (seq === 0) seq = 2;
    const first17 = `${region}${ymd}${String(seq).padStart(3, '0')}`;
    const id = first17 + idCheckDigit(first17);
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/** A mobile number of a real 13x/15x/18x/19x segment (libphonenumber's CN pattern). */
const PHONE_PREFIXES = [
  ...'0123456789'.split('').map((d) => `13${d}`),
  ...'01235789'.split('').map((d) => `15${d}`),
  ...'0123456789'.split('').map((d) => `18${d}`),
  ...'135789'.split('').map((d) => `19${d}`),
];
export function makePhone(r: Rng): string {
  return `${r.pick(PHONE_PREFIXES)}${String(r.int(0, 99_999_999)).padStart(8, '0')}`;
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * A valid 统一社会信用代码 (GB 32100): registering authority + category + region + the
 * 9-character organisation code (GB 11714, its own check character) + the check character.
 */
export function makeCreditCode(r: Rng, authorityAndKind: string, region: string, taken: Set<string>): string {
  for (;;) {
    const body = Array.from({ length: 8 }, () => r.int(0, 9)).join('');
    let s = 0;
    for (let i = 0; i < 8; i++) s += Number(body[i]) * ORG_CODE_WEIGHTS[i]!;
    const c9 = 11 - (s % 11);
    const orgCode = body + (c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9));
    const first17 = authorityAndKind + region + orgCode;
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
    const code = first17 + CREDIT_CHARS[(31 - (sum % 31)) % 31]!;
    if (!taken.has(code)) {
      taken.add(code);
      return code;
    }
  }
}

// ————————————————————————————— names —————————————————————————————

/**
 * Surnames with their frequency in ‰ (national figures, a few Hunan surnames — 彭 曾 唐 谭 邓
 * 易 — raised), including 单 (Shàn), 曾 (Zēng) and 解 (Xiè), whose surname reading differs from
 * the common one: search by pinyin must get them right.
 */
const SURNAMES: [string, number][] = (
  '王71 李70 张67 刘54 陈46 杨31 黄21 赵20 吴20 周21 徐15 孙15 马13 朱13 胡12 郭12 何12 林11 高11 罗14 ' +
  '郑10 梁10 谢8 宋8 唐14 许7 韩7 冯7 邓11 曹7 彭16 曾13 肖6 田6 董5 袁5 潘5 于5 蒋6 蔡5 余6 杜5 叶4 ' +
  '程4 苏4 魏4 吕4 丁4 任4 沈4 姚4 卢4 姜3 崔3 钟3 谭8 陆3 汪3 范3 金3 石3 廖4 贾3 夏3 韦2 付3 方3 白3 ' +
  '邹4 孟3 熊3 秦3 邱3 江3 尹2 薛2 段2 雷2 侯2 龙2 史2 陶2 黎3 贺3 顾2 毛2 郝2 龚2 邵2 万2 钱2 严2 ' +
  '武2 戴2 莫2 孔2 向2 汤2 易4 颜2 单1 解1'
)
  .split(' ')
  .map((x) => [x[0]!, Number(x.slice(1))]);
const surname = weighted(SURNAMES);

type Era = 0 | 1 | 2;
const GIVEN: Record<'M' | 'F', [string, string][]> = {
  M: [
    ['建国志德永明文学俊福长全金庆立春汉光炳', '国华明强军平林生发民忠良成山贵荣清'],
    ['志海伟建小俊晓立永卫红军明文勇新', '伟强勇军斌杰涛华平辉波刚峰鹏东磊'],
    ['子浩宇梓俊晨博一思嘉睿天皓明文奕', '轩然宇杰涵辰泽豪阳博航睿铭浩瑞霖'],
  ],
  F: [
    ['秀桂玉凤淑美春翠兰素月金爱冬腊', '英兰珍芳华梅莲娥香云秀琴花凤荣'],
    ['丽小晓红海春艳美秀玉雪静彩爱慧', '娟燕霞玲芳丽艳红梅萍敏静华英琴'],
    ['子梓欣雨诗思佳可若一语雅紫梦沐', '涵萱怡琪彤琳妍瑶欣晴馨悦然婷雪'],
  ],
};
function givenName(r: Rng, sex: 'M' | 'F', birthYear: number): string {
  const era: Era = birthYear < 1968 ? 0 : birthYear < 1992 ? 1 : 2;
  const [a, b] = GIVEN[sex][era]!;
  // About one in ten given names has a single character.
  if (r.chance(0.1)) return r.pick([...b]);
  return r.pick([...a]) + r.pick([...b]);
}

// ————————————————————————————— records —————————————————————————————

export interface PersonRow {
  id: number;
  areaId: number;
  householdId: number | null;
  relationToHead: string | null;
  name: string;
  idNumber: string;
  phone: string | null;
  sex: 'M' | 'F';
  birthDate: string;
  ethnicity: string;
  education: string | null;
  politicalStatus: string | null;
  employer: string | null;
  residenceType: 'registered' | 'resident' | 'floating';
  registeredAddress: string;
  currentAddress: string;
  floatingRegisteredOn: string | null;
  floatingExpiresOn: string | null;
  inflowReason: string | null;
  floatingResidenceKind: string | null;
  healthArchive: boolean;
  note: string | null;
}
export interface HouseholdRow {
  id: number;
  areaId: number;
  kind: 'registered' | 'resident';
  headPersonId: number;
}
export interface HouseInfoRow {
  areaId: number;
  use: 'owner' | 'rental' | 'vacant' | 'commercial';
  ownerPersonId: number | null;
  floorArea: number;
  note: string | null;
}
export interface RentalRow {
  id: number;
  houseId: number;
  landlordPersonId: number | null;
  use: string;
  startDate: string;
  endDate: string | null;
  tenants: number[];
}
export interface TagRow {
  personId: number;
  tag: TagCode;
  fields: Record<string, unknown>;
  startDate: string | null;
  endDate: string | null;
}
export interface OrgRow {
  areaId: number;
  name: string;
  kind: string;
  creditCode: string | null;
  address: string;
  contactName: string;
  contactPhone: string;
  note: string | null;
}
export interface Batch {
  people: PersonRow[];
  households: HouseholdRow[];
  houses: HouseInfoRow[];
  rentals: RentalRow[];
  tags: TagRow[];
  orgs: OrgRow[];
}
export const emptyBatch = (): Batch => ({
  people: [],
  households: [],
  houses: [],
  rentals: [],
  tags: [],
  orgs: [],
});

/** A house of the area tree with what the generator needs to know about it. */
export interface HouseSlot {
  id: number;
  /** "友谊花园1栋2单元301室" */
  address: string;
  compound: string;
  buildingId: number;
  floor: number;
}
export interface CommunitySlot {
  id: number;
  name: string;
  /** "汨罗市城关街道" */
  prefix: string;
  /** compounds of the community, for organisations that sit in one */
  compounds: { id: number; name: string }[];
  houses: HouseSlot[];
}
export interface CommunityTargets {
  /** households of people living here whose head is not floating */
  residentHouseholds: number;
  residentPeople: number;
  floating: number;
  /** registered here, living elsewhere (人户分离) */
  away: number;
  cobuildUnits: number;
}

/** The seeds' figures for 友谊河 [004]; other communities follow the street's [002] density. */
export function targetsFor(
  communities: { name: string; houses: number }[],
  street = { people: 63_000, floating: 22_000 },
) {
  const YOUYI: CommunityTargets = {
    residentHouseholds: 1565,
    residentPeople: 4695,
    floating: 1700,
    away: 2988,
    cobuildUnits: 14,
  };
  const others = communities.filter((c) => c.name !== DEMO.detailed);
  const hasYouyi = others.length < communities.length;
  const people = street.people - (hasYouyi ? 9383 : 0);
  const floating = street.floating - (hasYouyi ? YOUYI.floating : 0);
  const houses = others.reduce((n, c) => n + c.houses, 0);
  const out = new Map<string, CommunityTargets>();
  let leftP = people;
  let leftF = floating;
  let leftH = houses;
  for (const c of others) {
    const p = Math.round((leftP * c.houses) / leftH);
    const f = Math.round((leftF * c.houses) / leftH);
    leftP -= p;
    leftF -= f;
    leftH -= c.houses;
    const away = Math.round(p * 0.075);
    const residentPeople = p - f - away;
    out.set(c.name, {
      residentHouseholds: Math.round(residentPeople / 2.95),
      residentPeople,
      floating: f,
      away,
      cobuildUnits: 15,
    });
  }
  if (hasYouyi) out.set(DEMO.detailed, YOUYI);
  return out;
}

/** Per-house density used to size communities the bench adds (people per house, as the street). */
export const OTHER_TARGETS_PER_HOUSE = { people: 2.676, floatingShare: 0.387, awayShare: 0.075 };

const pad2 = (n: number) => String(n).padStart(2, '0');
const iso = (d: Date) => `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
const DAY = 86_400_000;

const ETHNICITY = weighted<string>([
  ['汉族', 970],
  ['土家族', 10],
  ['苗族', 8],
  ['回族', 5],
  ['侗族', 3],
  ['瑶族', 2],
  ['壮族', 2],
]);
const LOCAL_EMPLOYERS = [
  '汨罗市人民医院',
  '汨罗市中医医院',
  '汨罗市第一中学',
  '汨罗市城关小学',
  '国网汨罗市供电公司',
  '汨罗市自来水公司',
  '中国农业银行汨罗支行',
  '汨罗市邮政分公司',
  '湖南汨罗循环经济产业园',
  '汨罗市城关街道办事处',
  '汨罗市步步高超市',
  '个体经营',
  '个体经营',
  '灵活就业',
  '灵活就业',
  '汨罗市华顺建材有限公司',
  '湖南万容科技股份有限公司',
  '汨罗市鑫源再生资源有限公司',
];
const FLOATING_EMPLOYERS = [
  '汨罗再生资源大市场',
  '湖南汨罗循环经济产业园',
  '汨罗市鑫源再生资源有限公司',
  '湖南万容科技股份有限公司',
  '城关农贸市场',
  '个体经营',
  '个体经营',
  '务工',
  '务工',
  '建筑工地',
  '快递物流',
  '餐饮服务',
];
const AWAY_PLACES = [
  '湖南省长沙市岳麓区',
  '湖南省长沙市雨花区',
  '湖南省岳阳市岳阳楼区',
  '广东省深圳市南山区',
  '广东省深圳市宝安区',
  '广东省东莞市',
  '广东省广州市天河区',
  '浙江省杭州市余杭区',
  '上海市浦东新区',
  '北京市朝阳区',
];
const HELPERS = ['李建华', '刘秀兰', '陈志强', '周丽娟', '彭海燕', '罗国平', '唐桂英', '曾明辉'];

/** Education by birth year: older cohorts had less schooling. */
function education(r: Rng, age: number, birthYear: number): string | null {
  if (age < 7) return null;
  if (age < 13) return 'primary';
  if (age < 16) return 'junior';
  if (age < 19) return r.chance(0.8) ? 'senior' : 'junior';
  const old = birthYear < 1960;
  const mid = birthYear < 1980;
  const x = r.next();
  if (old)
    return x < 0.12 ? 'none' : x < 0.45 ? 'primary' : x < 0.75 ? 'junior' : x < 0.93 ? 'senior' : 'college';
  if (mid)
    return x < 0.05
      ? 'primary'
      : x < 0.4
        ? 'junior'
        : x < 0.72
          ? 'senior'
          : x < 0.88
            ? 'college'
            : 'bachelor';
  return x < 0.2
    ? 'junior'
    : x < 0.45
      ? 'senior'
      : x < 0.7
        ? 'college'
        : x < 0.95
          ? 'bachelor'
          : 'postgraduate';
}

/** One person, as the household builder asks for them; the generator fills in the rest. */
interface Spec {
  relation: string;
  sex: 'M' | 'F';
  age: number;
  surname?: string;
}

/**
 * The generator: call `community()` for each community; it returns the community's rows with
 * ids assigned from the running counters (people, households, rentals start after `start`).
 */
export class RegistryGenerator {
  private r: Rng;
  private now: Date;
  private today: string;
  readonly ids = new Set<string>();
  readonly creditCodes = new Set<string>();
  private nextPerson: number;
  private nextHousehold: number;
  private nextRental: number;
  private nameCache = new Map<string, { pinyin: string; initials: string }>();

  constructor(opts: {
    now: Date;
    seed?: string;
    start?: { person: number; household: number; rental: number };
  }) {
    this.r = createRng(opts.seed ?? 'jiayuan-demo-registry');
    this.now = opts.now;
    this.today = iso(opts.now);
    this.nextPerson = opts.start?.person ?? 1;
    this.nextHousehold = opts.start?.household ?? 1;
    this.nextRental = opts.start?.rental ?? 1;
  }

  get counters() {
    return { person: this.nextPerson, household: this.nextHousehold, rental: this.nextRental };
  }

  /** nameKeys(name), cached (names repeat). */
  keys(name: string) {
    let k = this.nameCache.get(name);
    if (!k) {
      k = nameKeys(name);
      if (this.nameCache.size < 500_000) this.nameCache.set(name, k);
    }
    return k;
  }

  private dateAgo(days: number): string {
    return iso(new Date(this.now.getTime() - days * DAY));
  }
  private dateAhead(days: number): string {
    return iso(new Date(this.now.getTime() + days * DAY));
  }
  private birthDate(age: number): string {
    // Uniform over the year of age: born between age+1 years and age years ago (minus a day).
    const days = Math.floor(age * 365.25 + this.r.next() * 364);
    return this.dateAgo(days + 1);
  }

  community(c: CommunitySlot, t: CommunityTargets): Batch {
    const r = this.r;
    const out = emptyBatch();
    const houses = shuffle(r, [...c.houses]);
    const H = houses.length;
    const communityAddr = `${c.prefix}${c.name}`;

    // —— house uses. Shops on ground floors (1.5 %), a few houses simply empty (2 %), at least
    // 10 % rented out (the seeds' 850 of 8,325); every other house goes to whoever needs one:
    // resident households first, then floating families (their own rented or bought home), then
    // the 户 of people registered here who live elsewhere; what is left stands vacant.
    const nCommercial = Math.round(H * 0.015);
    const ground = houses.filter((h) => h.floor === 1);
    const commercial = new Set(ground.slice(0, nCommercial).map((h) => h.id));
    const rest = houses.filter((h) => !commercial.has(h.id));
    const empty = rest.slice(0, Math.round(H * 0.02));
    const rentals = rest.slice(empty.length, empty.length + Math.round(H * 0.1));
    const pool = rest.slice(empty.length + rentals.length);
    let next = 0;
    const take = (): HouseSlot | null => (next < pool.length ? pool[next++]! : null);

    // —— household sizes, adjusted to the targets exactly.
    const resSizes = this.sizes(t.residentHouseholds, t.residentPeople, [0, 12, 25, 30, 18, 11, 4]);
    const awaySizes = this.sizes(Math.max(1, Math.round(t.away / 2.3)), t.away, [0, 25, 30, 35, 10]);
    // Floating: collective dormitories in a few rentals, families and singles elsewhere.
    const nDorms = Math.min(Math.round(rentals.length * 0.08), Math.floor(t.floating / 8));
    const dormPeople = nDorms * 8;
    const famPeople = t.floating - dormPeople;
    const famSizes = this.sizes(Math.max(1, Math.round(famPeople / 2.5)), famPeople, [0, 28, 25, 27, 15, 5]);
    const dormSizes =
      nDorms > 0 ? this.sizes(nDorms, dormPeople, [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]) : [];

    const houseInfo = new Map<number, HouseInfoRow>();
    const info = (h: HouseSlot, use: HouseInfoRow['use']) => {
      const row: HouseInfoRow = {
        areaId: h.id,
        use,
        ownerPersonId: null,
        floorArea:
          Math.round((use === 'commercial' ? r.int(30, 160) : r.int(48, 140)) * 100 + r.int(0, 99)) / 100,
        note: null,
      };
      houseInfo.set(h.id, row);
      return row;
    };

    // —— resident households: a house each while there are houses; then two 户 share one
    // (parents' and a grown child's).
    const resHouse: HouseSlot[] = [];
    const residentHeads: number[] = [];
    const elderlyHeads: PersonRow[] = [];
    for (const size of resSizes) {
      let h = take();
      const own = h !== null;
      h ??= resHouse[r.int(0, resHouse.length - 1)]!;
      const members = this.household(out, h, communityAddr, size, 'resident');
      const head = members[0]!;
      if (own) {
        resHouse.push(h);
        info(h, 'owner').ownerPersonId = head.id;
      }
      residentHeads.push(head.id);
      if (this.ageOf(head) >= 60) elderlyHeads.push(head);
    }

    // —— floating households: dormitories and families in rentals, bought homes, with relatives.
    const rentalTenants = new Map<number, number[]>();
    const dormHouses = new Set<number>();
    dormSizes.forEach((size, i) => {
      const h = rentals[i]!;
      dormHouses.add(h.id);
      const m = this.household(out, h, communityAddr, size, 'dorm');
      rentalTenants.set(
        h.id,
        m.map((p) => p.id),
      );
    });
    const familyRentals = rentals.slice(dormSizes.length);
    let fi = 0;
    const nBought = Math.round(famSizes.length * 0.12);
    famSizes.forEach((size, i) => {
      let kind: 'rented' | 'bought' | 'staying' = 'rented';
      let h: HouseSlot | null = i < nBought ? take() : null;
      if (h) kind = 'bought';
      else if (fi < familyRentals.length) h = familyRentals[fi++]!;
      else {
        h = take();
        if (h) rentals.push(h);
        else if (rentals.length > 0 && r.chance(0.55)) {
          // 合租: a second (or third) family in a rented house.
          h = rentals[r.int(dormSizes.length, rentals.length - 1)] ?? rentals[0]!;
        } else {
          h = resHouse[r.int(0, resHouse.length - 1)]!;
          kind = 'staying';
        }
      }
      const m = this.household(out, h, communityAddr, size, kind);
      if (kind === 'rented')
        rentalTenants.set(h.id, [...(rentalTenants.get(h.id) ?? []), ...m.map((p) => p.id)]);
      if (kind === 'bought') info(h, 'owner').ownerPersonId = m[0]!.id;
    });

    // —— registered elsewhere (人户分离): their 户 sits in a house standing empty (theirs), or
    // with their parents.
    for (const size of awaySizes) {
      const h = take();
      const m = this.household(
        out,
        h ?? resHouse[r.int(0, resHouse.length - 1)]!,
        communityAddr,
        size,
        'away',
      );
      if (h) info(h, 'vacant').ownerPersonId = m[0]!.id;
    }
    for (const h of [...empty, ...pool.slice(next)]) info(h, 'vacant');

    // —— rentals: the landlord is a resident head of another house (a second home).
    for (const h of rentals) {
      const landlord = residentHeads.length ? residentHeads[r.int(0, residentHeads.length - 1)]! : null;
      const row = info(h, 'rental');
      row.ownerPersonId = landlord;
      const dorm = dormHouses.has(h.id);
      const start = this.dateAgo(r.int(20, 1100));
      const years = r.pick([1, 1, 2, 3]);
      const end = r.chance(0.15) ? null : iso(new Date(Date.parse(start) + years * 365 * DAY));
      out.rentals.push({
        id: this.nextRental++,
        houseId: h.id,
        landlordPersonId: landlord,
        use: dorm ? 'dormitory' : 'housing',
        startDate: start,
        endDate: end,
        tenants: rentalTenants.get(h.id) ?? [],
      });
      if (dorm) row.note = '集体宿舍';
    }
    for (const h of commercial) {
      const hs = c.houses.find((x) => x.id === h)!;
      const row = info(hs, 'commercial');
      row.ownerPersonId = residentHeads.length ? residentHeads[r.int(0, residentHeads.length - 1)]! : null;
      row.note = r.pick(['临街门面', '便利店', '理发店', '早餐店', '药店', '快递驿站']);
    }
    out.houses = [...houseInfo.values()];

    this.tags(out, c, elderlyHeads);
    this.orgs(out, c, t);
    return out;
  }

  private ageOf(p: { birthDate: string }): number {
    const b = p.birthDate;
    const t = this.today;
    let age = Number(t.slice(0, 4)) - Number(b.slice(0, 4));
    if (t.slice(5) < b.slice(5)) age--;
    return age;
  }

  /** `n` sizes from a weight table (index = size), nudged until they sum to `total`. */
  private sizes(n: number, total: number, weights: number[]): number[] {
    const r = this.r;
    if (n <= 0 || total <= 0) return [];
    if (total < n) n = total;
    const pick = weighted(weights.map((w, i) => [i, w] as [number, number]).filter(([, w]) => w > 0));
    const out = Array.from({ length: n }, () => pick(r));
    const max = weights.length - 1;
    let sum = out.reduce((a, b) => a + b, 0);
    while (sum !== total) {
      const i = r.int(0, n - 1);
      if (sum > total && out[i]! > 1) {
        out[i]!--;
        sum--;
      } else if (sum < total && out[i]! < max + 2) {
        out[i]!++;
        sum++;
      }
    }
    return out;
  }

  /** Who lives in a household of this size: relations, sexes and ages that make sense together. */
  private compose(
    size: number,
    kind: 'resident' | 'rented' | 'bought' | 'staying' | 'dorm' | 'away',
  ): Spec[] {
    const r = this.r;
    const other = (s: 'M' | 'F', lo: number, hi: number): Spec => ({
      relation: 'other',
      sex: s,
      age: r.int(lo, hi),
    });
    if (kind === 'dorm') {
      const s = r.chance(0.7) ? 'M' : 'F';
      return [
        { relation: 'head', sex: s, age: r.int(22, 50) },
        ...Array.from({ length: size - 1 }, () => other(s, 18, 52)),
      ];
    }
    const elderlyBias = kind === 'resident' ? 1 : kind === 'staying' ? 0.5 : 0.1;
    const sexOfHead = (): 'M' | 'F' => (r.chance(0.78) ? 'M' : 'F');
    const opp = (s: 'M' | 'F'): 'M' | 'F' => (s === 'M' ? 'F' : 'M');
    const child = (parentAge: number): Spec => {
      const s: 'M' | 'F' = r.chance(0.52) ? 'M' : 'F';
      return {
        relation: s === 'M' ? 'son' : 'daughter',
        sex: s,
        age: Math.max(0, parentAge - r.int(23, 34)),
      };
    };
    const spouse = (h: Spec): Spec => ({
      relation: 'spouse',
      sex: opp(h.sex),
      age: Math.max(20, h.age + r.int(-5, 3)),
    });
    const parent = (headAge: number, s: 'M' | 'F'): Spec => ({
      relation: s === 'M' ? 'father' : 'mother',
      sex: s,
      age: Math.min(99, headAge + r.int(24, 33)),
    });
    const adultAge = () =>
      kind === 'away' ? r.int(20, 50) : kind === 'resident' ? r.int(22, 58) : r.int(20, 48);
    const elderAge = () => (r.chance(0.24) ? r.int(80, 96) : r.int(60, 79));
    if (size === 1) {
      if (r.chance(0.84 * elderlyBias))
        return [{ relation: 'head', sex: r.chance(0.4) ? 'M' : 'F', age: elderAge() }];
      return [{ relation: 'head', sex: r.chance(0.6) ? 'M' : 'F', age: adultAge() }];
    }
    if (size === 2) {
      const x = r.next();
      if (x < 0.76 * elderlyBias) {
        const h: Spec = { relation: 'head', sex: 'M', age: elderAge() };
        return [h, spouse(h)];
      }
      if (x < 0.75 && kind === 'resident') {
        // grandparent and a left-behind grandchild
        const h: Spec = { relation: 'head', sex: r.chance(0.5) ? 'M' : 'F', age: r.int(58, 75) };
        return [h, { relation: 'grandchild', sex: r.chance(0.5) ? 'M' : 'F', age: r.int(3, 15) }];
      }
      const h: Spec = { relation: 'head', sex: sexOfHead(), age: adultAge() };
      if (r.chance(0.7)) return [h, spouse(h)];
      h.age = Math.max(h.age, r.int(38, 52));
      return [h, child(h.age)];
    }
    const h: Spec = { relation: 'head', sex: 'M', age: Math.max(26, adultAge()) };
    const members: Spec[] = [h];
    const x = r.next();
    if (kind === 'resident' && size >= 3 && x < 0.03) {
      // grandparents raising grandchildren while the parents work away (留守)
      h.age = r.int(56, 74);
      members.push(spouse(h));
      while (members.length < size)
        members.push({ relation: 'grandchild', sex: r.chance(0.5) ? 'M' : 'F', age: r.int(2, 15) });
      return members;
    }
    members.push(spouse(h));
    const threeGen =
      (kind === 'resident' && size >= 4 && x < 0.7) || (kind === 'resident' && size === 3 && x < 0.15);
    if (threeGen) {
      h.age = r.int(36, 56);
      members[1]!.age = Math.max(20, h.age + r.int(-4, 2));
      members.push(parent(h.age, 'F'));
      if (size >= 5 || r.chance(0.4)) members.push(parent(h.age, 'M'));
    }
    while (members.length < size) {
      if (members.length >= 5 && r.chance(0.5) && h.age >= 48) {
        const son: Spec = { relation: 'son', sex: 'M', age: r.int(24, 30) };
        members.push(son);
        if (members.length < size)
          members.push({ relation: 'in_law', sex: 'F', age: son.age + r.int(-2, 2) });
        continue;
      }
      members.push(child(h.age));
    }
    return members.slice(0, size);
  }

  /** Builds one household and its people at house `h`; returns the members, head first. */
  private household(
    out: Batch,
    h: HouseSlot,
    communityAddr: string,
    size: number,
    kind: 'resident' | 'rented' | 'bought' | 'staying' | 'dorm' | 'away',
  ): PersonRow[] {
    const r = this.r;
    const hhId = this.nextHousehold++;
    const specs = this.compose(size, kind);
    const floating = kind !== 'resident' && kind !== 'away';
    // Residents: mostly local 户籍; about one in eight settled here with a 户口 elsewhere (常住).
    const householdType: PersonRow['residenceType'] = floating
      ? 'floating'
      : kind === 'away' || r.chance(0.88)
        ? 'registered'
        : 'resident';
    const origin = floating ? floatingRegion(r) : householdType === 'resident' ? localRegion(r) : null;
    const headSurname = surname(r);
    const here = `${communityAddr}${h.address}`;
    const awayPlace = kind === 'away' ? `${r.pick(AWAY_PLACES)}` : null;
    // Floating registration (居住登记): 98 % registered; valid one year from a date in the last 14 months.
    const regDays = r.int(0, 425);
    const registered = floating && r.chance(0.98);
    const inflow = floating
      ? kind === 'dorm'
        ? 'work'
        : r.pick(['work', 'work', 'work', 'business', 'business', 'family', 'study', 'other'])
      : null;
    const residenceKind = floating
      ? kind === 'dorm'
        ? r.pick(['unit_dorm', 'temp_dorm'])
        : kind === 'bought'
          ? 'bought'
          : kind === 'staying'
            ? r.pick(['staying', 'lodging'])
            : 'rented'
      : null;
    const members: PersonRow[] = [];
    for (const s of specs) {
      const id = this.nextPerson++;
      const birthDate = this.birthDate(s.age);
      const birthYear = Number(birthDate.slice(0, 4));
      // Children carry the father's surname; spouses, parents and collective members their own.
      const sn = ['son', 'daughter', 'grandchild'].includes(s.relation)
        ? headSurname
        : s.relation === 'head' || (s.relation === 'father' && specs[0]!.sex === 'M')
          ? headSurname
          : surname(r);
      const name = sn + givenName(r, s.sex, birthYear);
      const region = (origin ?? localRegion(r))[0];
      const regionText =
        (floating || householdType === 'resident' ? origin : null)?.[1] ??
        LOCAL_REGIONS.find((x) => x[0] === region)?.[1] ??
        '';
      const idNumber = this.idFor(region, birthDate, s.sex);
      const age = s.age;
      const phone = age >= 16 && r.chance(age >= 80 ? 0.55 : age >= 65 ? 0.85 : 0.97) ? makePhone(r) : null;
      const working = age >= 18 && age < 60;
      const employer =
        working && r.chance(0.75) ? r.pick(floating ? FLOATING_EMPLOYERS : LOCAL_EMPLOYERS) : null;
      const political =
        age >= 14 && age < 28 && r.chance(0.35)
          ? 'league'
          : age >= 22 && r.chance(floating ? 0.03 : 0.075)
            ? r.chance(0.96)
              ? 'cpc'
              : 'cpc_probation'
            : age >= 16
              ? 'masses'
              : null;
      members.push({
        id,
        areaId: h.id,
        householdId: hhId,
        relationToHead: s.relation,
        name,
        idNumber,
        phone,
        sex: s.sex,
        birthDate,
        ethnicity: ETHNICITY(r),
        education: education(r, age, birthYear),
        politicalStatus: political,
        employer,
        residenceType: householdType,
        registeredAddress:
          householdType === 'registered'
            ? here
            : `${regionText}${r.pick(['城关镇', '新市镇', '长乐镇', '三江镇', '白水镇'])}`,
        currentAddress: awayPlace ? `${awayPlace}${r.pick(['', '某'])}小区` : here,
        floatingRegisteredOn: registered ? this.dateAgo(regDays) : null,
        floatingExpiresOn: registered ? this.dateAgo(regDays - 365) : null,
        inflowReason: inflow,
        floatingResidenceKind: residenceKind,
        healthArchive: kind === 'away' ? r.chance(0.6) : r.chance(floating ? 0.82 : 0.95),
        note: kind === 'away' ? '人户分离' : null,
      });
    }
    out.people.push(...members);
    out.households.push({
      id: hhId,
      areaId: h.id,
      kind: householdType === 'registered' ? 'registered' : 'resident',
      headPersonId: members[0]!.id,
    });
    return members;
  }

  /** A fresh unique ID number; the sequence digits are drawn until the number is new. */
  private idFor(region: string, birth: string, sex: 'M' | 'F'): string {
    return makeIdNumber(this.r, region, birth, sex, this.ids);
  }

  /** Care and attention tags at plausible rates, with valid fields (TAGS[tag].fields). */
  private tags(out: Batch, c: CommunitySlot, _elderlyHeads: PersonRow[]) {
    const r = this.r;
    const add = (
      p: PersonRow,
      tag: TagCode,
      fields: Record<string, unknown>,
      start?: string | null,
      end?: string | null,
    ) => out.tags.push({ personId: p.id, tag, fields, startDate: start ?? null, endDate: end ?? null });
    const byHousehold = new Map<number, PersonRow[]>();
    for (const p of out.people) {
      const l = byHousehold.get(p.householdId!);
      if (l) l.push(p);
      else byHousehold.set(p.householdId!, [p]);
    }
    const living = out.people.filter((p) => p.note !== '人户分离');
    const tagged = new Set<string>();
    const once = (p: PersonRow, tag: TagCode) => {
      const k = `${p.id}:${tag}`;
      if (tagged.has(k)) return false;
      tagged.add(k);
      return true;
    };
    for (const [, members] of byHousehold) {
      const head = members[0]!;
      if (head.note === '人户分离') continue;
      const local = head.residenceType !== 'floating';
      // 低保 by household (≈1.5 % of residents), often also 困难家庭.
      if (local && r.chance(0.032)) {
        const start = this.dateAgo(r.int(60, 2500));
        for (const p of members)
          if (once(p, 'dibao'))
            add(p, 'dibao', { amount: r.int(45, 70) * 10, startDate: start }, start, null);
        if (r.chance(0.6) && once(head, 'hardship'))
          add(
            head,
            'hardship',
            { reason: r.pick(['因病致困', '因残致困', '单亲家庭', '失业无收入']) },
            start,
          );
      } else if (local && r.chance(0.008) && once(head, 'hardship')) {
        add(
          head,
          'hardship',
          { reason: r.pick(['因病致困', '因学致困', '突发事故', '子女残疾']) },
          this.dateAgo(r.int(30, 900)),
        );
      }
      // The elderly: alone, empty nest, without family.
      const elderly = members.filter((p) => this.ageOf(p) >= 60);
      if (local && elderly.length === members.length) {
        if (members.length === 1) {
          const p = members[0]!;
          if (once(p, 'living_alone'))
            add(p, 'living_alone', { note: r.pick(['子女在外地', '子女在长沙', '老伴已故']) });
          if (r.chance(0.12) && once(p, 'elderly_alone'))
            add(p, 'elderly_alone', { note: '无子女，五保对象' });
        } else {
          for (const p of members)
            if (once(p, 'empty_nest')) add(p, 'empty_nest', { note: '子女均在外地工作' });
        }
      }
      // 留守儿童: children living with grandparents only.
      if (
        local &&
        members.some((p) => p.relationToHead === 'grandchild') &&
        !members.some((p) => ['son', 'daughter', 'in_law'].includes(p.relationToHead ?? ''))
      ) {
        for (const p of members)
          if (p.relationToHead === 'grandchild' && this.ageOf(p) < 16 && once(p, 'left_behind'))
            add(p, 'left_behind', { guardian: head.name });
      }
      // 纠纷家庭: a few households per community.
      if (local && r.chance(0.0025) && once(head, 'dispute_family'))
        add(
          head,
          'dispute_family',
          { note: r.pick(['邻里噪音纠纷', '婚姻家庭矛盾', '房屋漏水纠纷', '赡养纠纷']) },
          this.dateAgo(r.int(10, 400)),
        );
    }
    for (const p of living) {
      const age = this.ageOf(p);
      // 残疾 ≈ 2 %, rising with age.
      if (r.chance(age >= 60 ? 0.045 : 0.016) && once(p, 'disability')) {
        const kind = r.pick([
          'physical',
          'physical',
          'physical',
          'visual',
          'hearing',
          'speech',
          'intellectual',
          'mental',
          'multiple',
        ]);
        const level = r.int(1, 4);
        const kindDigit =
          ['visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple'].indexOf(kind) + 1;
        add(
          p,
          'disability',
          { kind, level, certNo: `${p.idNumber}${kindDigit}${level}` },
          this.dateAgo(r.int(100, 5000)),
        );
      }
      if (p.residenceType !== 'floating' && age >= 18 && age < 60 && r.chance(0.03) && once(p, 'unemployed'))
        add(p, 'unemployed', { since: this.dateAgo(r.int(30, 700)), registered: r.chance(0.7) });
      if (p.sex === 'M' && age >= 22 && age <= 85 && r.chance(0.03) && once(p, 'veteran'))
        add(p, 'veteran', {
          retiredOn: this.dateAgo(Math.max(1, (age - r.int(20, 22)) * 365)),
          note: r.pick(['陆军', '武警', '海军', '空军']),
        });
      if (r.chance(0.003) && once(p, 'mental')) {
        const level = r.pick(['0', '0', '0', '1', '1', '1', '2', '2', '3', '4', '5']);
        add(
          p,
          'mental',
          { riskLevel: level, guardian: `${p.name.slice(0, 1)}${r.pick(['建华', '秀兰', '国平', '桂英'])}` },
          this.dateAgo(r.int(100, 3000)),
        );
      }
    }
    // A few per community: released, correction, petition, key youth.
    const adults = living.filter((p) => this.ageOf(p) >= 20 && this.ageOf(p) < 65);
    const youth = living.filter((p) => this.ageOf(p) >= 12 && this.ageOf(p) <= 25);
    const few = (
      pool: PersonRow[],
      n: number,
      tag: TagCode,
      fields: () => Record<string, unknown>,
      dates?: () => [string, string | null],
    ) => {
      for (let i = 0; i < n && pool.length; i++) {
        const p = pool[r.int(0, pool.length - 1)]!;
        if (!once(p, tag)) continue;
        const [s, e] = dates?.() ?? [null, null];
        add(p, tag, fields(), s, e);
      }
    };
    few(
      adults.filter((p) => p.sex === 'M' || r.chance(0.15)),
      r.int(4, 8),
      'released',
      () => {
        const rel = this.dateAgo(r.int(30, 1800));
        return {
          releaseDate: rel,
          helper: r.pick(HELPERS),
          responsibility: '定期走访，掌握思想动态和就业情况',
          measures: r.pick([
            '每月走访一次，协助办理社保，推荐就业',
            '每季度谈话一次，联系技能培训',
            '帮助落实低保与临时救助，介绍就业岗位',
          ]),
        };
      },
    );
    few(adults, r.int(1, 4), 'correction', () => {
      const s = this.dateAgo(r.int(30, 600));
      return {
        category: r.pick(['01', '02', '02', '02', '03', '04']),
        startDate: s,
        endDate: this.dateAhead(r.int(60, 900)),
      };
    });
    few(adults, r.int(2, 5), 'petition', () => ({
      matter: r.pick(['老旧小区改造补偿', '拆迁安置面积争议', '劳动报酬拖欠', '物业服务纠纷', '医疗纠纷']),
    }));
    few(youth, r.int(5, 10), 'key_youth', () => ({
      type: r.pick(['01', '01', '02', '02', '04', '99']),
      note: r.pick(['辍学在家', '沉迷网络', '父母离异缺少管教', '有不良行为记录']),
    }));
    void c;
  }

  /** Organisations: co-building units, enterprises, markets, social organisations and teams. */
  private orgs(out: Batch, c: CommunitySlot, t: CommunityTargets) {
    const r = this.r;
    const short = c.name.replace('社区', '');
    const compounds = c.compounds;
    const addr = (i: number) =>
      `${c.prefix}${c.name}${compounds.length ? compounds[i % compounds.length]!.name : ''}`;
    const area = (i: number) => (compounds.length ? compounds[i % compounds.length]!.id : c.id);
    const contact = () => `${surname(r)}${givenName(r, r.chance(0.5) ? 'M' : 'F', r.int(1965, 1995))}`;
    const add = (
      name: string,
      kind: string,
      codePrefix: string | null,
      i: number,
      note: string | null = null,
    ) =>
      out.orgs.push({
        areaId: area(i),
        name,
        kind,
        creditCode: codePrefix ? makeCreditCode(r, codePrefix, '430681', this.creditCodes) : null,
        address: addr(i),
        contactName: contact(),
        contactPhone: makePhone(r),
        note,
      });
    // Co-building units: the institutions behind 友谊河's unit compounds, then others of the city.
    const units = COBUILD_UNITS.slice();
    for (let i = 0; i < t.cobuildUnits; i++) {
      const j = (this.cobuildCursor++ % units.length) | 0;
      const base = units[j]!;
      const round = Math.floor(this.cobuildCursor / units.length);
      const name =
        round === 0 ? base[0] : `${base[0]}${short}${['', '', '分部', '服务点', '工作站'][round] ?? round}`;
      add(name, 'cobuild', base[1], i, r.chance(0.72) ? '文明单位' : null);
    }
    for (let i = 0; i < 10; i++) {
      const name = `汨罗市${r.pick(ENT_WORDS)}${r.pick(ENT_WORDS)}${r.pick(ENT_INDUSTRY)}有限公司`;
      add(name, 'enterprise', '91', i);
    }
    add(`${short}农贸市场`, 'market', '91', 1);
    if (r.chance(0.5)) add(`${short}建材市场`, 'market', '91', 2);
    add(`${c.name}老年协会`, 'social', '51', 0);
    add(`${c.name}志愿者协会`, 'social', r.chance(0.5) ? '51' : null, 1);
    add(`${c.name}居家养老服务中心`, 'social', '52', 2);
    for (const [i, team] of [
      '夕阳红艺术团',
      '腰鼓队',
      '广场舞队',
      '邻里互助组',
      '志愿服务队',
      '书画社',
    ].entries())
      if (i < 4 || r.chance(0.6)) add(`${short}${team}`, 'team', null, i);
  }
  private cobuildCursor = 0;
}

const COBUILD_UNITS: [string, string][] = [
  ['国网汨罗市供电公司', '91'],
  ['汨罗市第一中学', '12'],
  ['汨罗市人民医院', '12'],
  ['汨罗市粮食局', '11'],
  ['汨罗市财政局', '11'],
  ['汨罗市邮政分公司', '91'],
  ['汨罗市水务局', '11'],
  ['汨罗市交通运输局', '11'],
  ['汨罗市人民法院', '11'],
  ['中国农业银行汨罗支行', '91'],
  ['汨罗市中医医院', '12'],
  ['汨罗市第二中学', '12'],
  ['汨罗市城关小学', '12'],
  ['汨罗市实验小学', '12'],
  ['汨罗市自来水公司', '91'],
  ['中国工商银行汨罗支行', '91'],
  ['中国建设银行汨罗支行', '91'],
  ['汨罗市人民检察院', '11'],
  ['汨罗市市场监督管理局', '11'],
  ['国家税务总局汨罗市税务局', '11'],
  ['汨罗市公安局城关派出所', '11'],
  ['汨罗市消防救援大队', '11'],
  ['汨罗市住房和城乡建设局', '11'],
  ['汨罗市教育局', '11'],
  ['汨罗市卫生健康局', '11'],
  ['汨罗市民政局', '11'],
  ['汨罗市文化旅游广电体育局', '11'],
  ['汨罗市人力资源和社会保障局', '11'],
  ['汨罗市自然资源局', '11'],
  ['汨罗市农业农村局', '11'],
  ['汨罗市城市管理和综合执法局', '11'],
  ['中国移动汨罗分公司', '91'],
  ['中国电信汨罗分公司', '91'],
  ['中国联通汨罗分公司', '91'],
  ['汨罗市妇幼保健院', '12'],
  ['汨罗市疾病预防控制中心', '12'],
  ['汨罗市图书馆', '12'],
  ['汨罗市屈原纪念馆', '12'],
  ['汨罗市职业中专', '12'],
  ['汨罗市融媒体中心', '12'],
  ['湖南万容科技股份有限公司', '91'],
  ['汨罗市步步高商业连锁', '91'],
  ['中国人寿汨罗支公司', '91'],
  ['汨罗市农村商业银行', '91'],
  ['汨罗市公共交通有限公司', '91'],
];
const ENT_WORDS = '鑫源华顺恒达兴旺宏远金泰瑞丰盛安永利天成新隆汇通'.split('');
const ENT_INDUSTRY = [
  '再生资源',
  '建材',
  '商贸',
  '物业管理',
  '餐饮管理',
  '电子科技',
  '物流',
  '装饰工程',
  '家政服务',
  '汽车维修',
];

// ————————————————————————————— reading the tree —————————————————————————————

/** The street's communities and their houses, read from the area tree (houses at depth 8). */
export async function loadCommunities(
  db: Conn,
  streetPath: string,
  onlyIds?: number[],
): Promise<CommunitySlot[]> {
  const rows = (
    await sql<{
      id: number;
      name: string;
      unit: string;
      building: string;
      buildingId: number;
      compound: string;
      compoundId: number;
      communityId: number;
      communityName: string;
      streetName: string;
      districtName: string;
    }>`
      SELECT h.id, h.name, u.name AS unit, b.name AS building, b.id AS building_id, c.name AS compound, c.id AS compound_id,
             m.id AS community_id, m.name AS community_name, s.name AS street_name, d.name AS district_name
        FROM areas h
        JOIN areas u ON u.id = h.parent_id
        JOIN areas b ON b.id = u.parent_id
        JOIN areas c ON c.id = b.parent_id
        JOIN areas g ON g.id = c.parent_id
        JOIN areas m ON m.id = g.parent_id
        JOIN areas s ON s.id = m.parent_id
        LEFT JOIN areas d ON d.id = s.parent_id
       WHERE h.kind = 'house' AND h.path <@ ${streetPath}::ltree
         AND (${onlyIds ?? null}::bigint[] IS NULL OR m.id = ANY(${onlyIds ?? null}::bigint[]))
       ORDER BY m.sort_order, m.id, h.id`.execute(db)
  ).rows;
  const byId = new Map<number, CommunitySlot>();
  for (const x of rows) {
    let c = byId.get(x.communityId);
    if (!c) {
      c = {
        id: x.communityId,
        name: x.communityName,
        prefix: `${x.districtName ?? ''}${x.streetName}`,
        compounds: [],
        houses: [],
      };
      byId.set(x.communityId, c);
    }
    if (c.compounds.at(-1)?.id !== x.compoundId) c.compounds.push({ id: x.compoundId, name: x.compound });
    c.houses.push({
      id: x.id,
      address: `${x.compound}${x.building}${x.unit}${x.name}`,
      compound: x.compound,
      buildingId: x.buildingId,
      floor: Number(/^(\d+)0\d室$/.exec(x.name)?.[1] ?? 1),
    });
  }
  return [...byId.values()];
}

// ————————————————————————————— writing —————————————————————————————

const chunks = <T>(xs: T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

/**
 * Writes a batch with multi-row INSERT … SELECT FROM unnest(arrays), `size` rows a statement.
 * Households go in before their people (head set afterwards: the two reference each other).
 */
export async function writeBatch(
  db: Conn,
  keyring: Keyring,
  gen: RegistryGenerator,
  b: Batch,
  size = 5000,
): Promise<void> {
  for (const c of chunks(b.households, size)) {
    await sql`
      INSERT INTO households (id, area_id, kind)
      SELECT * FROM unnest(${c.map((h) => h.id)}::bigint[], ${c.map((h) => h.areaId)}::bigint[], ${c.map((h) => h.kind)}::text[])`.execute(
      db,
    );
  }
  for (const c of chunks(b.people, size)) {
    const col = <K extends keyof PersonRow>(k: K) => c.map((p) => p[k]);
    const keys = c.map((p) => gen.keys(p.name));
    const idEnc: string[] = [];
    const idHash: string[] = [];
    const phoneEnc: (string | null)[] = [];
    const phoneHash: (string | null)[] = [];
    for (const p of c) {
      idEnc.push(keyring.encrypt(p.idNumber));
      idHash.push(keyring.lookupHash(p.idNumber));
      phoneEnc.push(p.phone ? keyring.encrypt(p.phone) : null);
      phoneHash.push(p.phone ? keyring.lookupHash(p.phone) : null);
    }
    await sql`
      INSERT INTO people (id, area_id, household_id, relation_to_head, name, name_pinyin, name_initials,
        id_enc, id_hash, id_tail, phone_enc, phone_hash, phone_tail, sex, birth_date, ethnicity, education,
        political_status, employer, residence_type, registered_address, current_address,
        floating_registered_on, floating_expires_on, inflow_reason, floating_residence_kind, health_archive, note)
      SELECT * FROM unnest(
        ${col('id')}::bigint[], ${col('areaId')}::bigint[], ${col('householdId')}::bigint[], ${col('relationToHead')}::text[],
        ${col('name')}::text[], ${keys.map((k) => k.pinyin)}::text[], ${keys.map((k) => k.initials)}::text[],
        ${idEnc}::text[], ${idHash}::text[], ${c.map((p) => p.idNumber.slice(-6))}::text[],
        ${phoneEnc}::text[], ${phoneHash}::text[], ${c.map((p) => p.phone?.slice(-4) ?? null)}::text[],
        ${col('sex')}::bpchar[], ${col('birthDate')}::date[], ${col('ethnicity')}::text[], ${col('education')}::text[],
        ${col('politicalStatus')}::text[], ${col('employer')}::text[], ${col('residenceType')}::text[],
        ${col('registeredAddress')}::text[], ${col('currentAddress')}::text[],
        ${col('floatingRegisteredOn')}::date[], ${col('floatingExpiresOn')}::date[], ${col('inflowReason')}::text[],
        ${col('floatingResidenceKind')}::text[], ${col('healthArchive')}::boolean[], ${col('note')}::text[])`.execute(
      db,
    );
  }
  for (const c of chunks(b.households, size)) {
    await sql`
      UPDATE households h SET head_person_id = v.p
        FROM unnest(${c.map((x) => x.id)}::bigint[], ${c.map((x) => x.headPersonId)}::bigint[]) AS v(h, p)
       WHERE h.id = v.h`.execute(db);
  }
  for (const c of chunks(b.houses, size)) {
    await sql`
      INSERT INTO house_info (area_id, use, owner_person_id, floor_area, note)
      SELECT * FROM unnest(${c.map((x) => x.areaId)}::bigint[], ${c.map((x) => x.use)}::text[],
        ${c.map((x) => x.ownerPersonId)}::bigint[], ${c.map((x) => x.floorArea)}::numeric[], ${c.map((x) => x.note)}::text[])`.execute(
      db,
    );
  }
  for (const c of chunks(b.rentals, size)) {
    await sql`
      INSERT INTO rentals (id, house_id, landlord_person_id, use, start_date, end_date)
      SELECT * FROM unnest(${c.map((x) => x.id)}::bigint[], ${c.map((x) => x.houseId)}::bigint[],
        ${c.map((x) => x.landlordPersonId)}::bigint[], ${c.map((x) => x.use)}::text[],
        ${c.map((x) => x.startDate)}::date[], ${c.map((x) => x.endDate)}::date[])`.execute(db);
  }
  const tenants = b.rentals.flatMap((x) => x.tenants.map((p) => [x.id, p] as const));
  for (const c of chunks(tenants, size)) {
    await sql`
      INSERT INTO rental_tenants (rental_id, person_id)
      SELECT * FROM unnest(${c.map((x) => x[0])}::bigint[], ${c.map((x) => x[1])}::bigint[])`.execute(db);
  }
  for (const c of chunks(b.tags, size)) {
    await sql`
      INSERT INTO person_tags (person_id, tag, fields_enc, start_date, end_date)
      SELECT * FROM unnest(${c.map((x) => x.personId)}::bigint[], ${c.map((x) => x.tag)}::text[],
        ${c.map((x) => keyring.encrypt(JSON.stringify(x.fields)))}::text[],
        ${c.map((x) => x.startDate)}::date[], ${c.map((x) => x.endDate)}::date[])`.execute(db);
  }
  for (const c of chunks(b.orgs, size)) {
    await sql`
      INSERT INTO organisations (area_id, name, kind, credit_code, address, contact_name, contact_phone_enc, contact_phone_tail, note)
      SELECT * FROM unnest(${c.map((x) => x.areaId)}::bigint[], ${c.map((x) => x.name)}::text[], ${c.map((x) => x.kind)}::text[],
        ${c.map((x) => x.creditCode)}::text[], ${c.map((x) => x.address)}::text[], ${c.map((x) => x.contactName)}::text[],
        ${c.map((x) => keyring.encrypt(x.contactPhone))}::text[], ${c.map((x) => x.contactPhone.slice(-4))}::text[],
        ${c.map((x) => x.note)}::text[])`.execute(db);
  }
}

/** Moves the identity sequences past the ids the generator assigned. */
export async function syncSequences(db: Conn): Promise<void> {
  for (const t of ['people', 'households', 'rentals', 'person_tags', 'organisations']) {
    await sql`SELECT setval(pg_get_serial_sequence(${t}, 'id'), GREATEST((SELECT max(id) FROM ${sql.table(t)}), 1))`.execute(
      db,
    );
  }
}

// ————————————————————————————— the demo seed —————————————————————————————

/** Demo hook of the registry module: fills the registry of the demo street once (people empty). */
export async function seedDemoRegistry(s: Services): Promise<void> {
  const any = await sql<{ id: number }>`SELECT id FROM people LIMIT 1`.execute(s.db);
  if (any.rows.length) return;
  const street = (
    await sql<{
      path: string;
    }>`SELECT path::text AS path FROM areas WHERE code = ${DEMO.street.code} ORDER BY id LIMIT 1`.execute(
      s.db,
    )
  ).rows[0];
  if (!street) return;
  const communities = await loadCommunities(s.db, street.path);
  if (!communities.length) return;
  // The street's last building is newly finished and not surveyed yet (待采集): its houses have no
  // facts and nobody registered in them — the ledger is never quite complete.
  const last = communities.at(-1)!;
  const newBuilding = Math.max(...last.houses.map((h) => h.buildingId));
  last.houses = last.houses.filter((h) => h.buildingId !== newBuilding);
  const targets = targetsFor(communities.map((c) => ({ name: c.name, houses: c.houses.length })));
  const gen = new RegistryGenerator({ now: s.clock.now() });
  const totals = { people: 0, households: 0, houses: 0, rentals: 0, tags: 0, organisations: 0 };
  await s.db.transaction().execute(async (trx) => {
    for (const c of communities) {
      const b = gen.community(c, targets.get(c.name)!);
      await writeBatch(trx, s.keyring, gen, b);
      totals.people += b.people.length;
      totals.households += b.households.length;
      totals.houses += b.houses.length;
      totals.rentals += b.rentals.length;
      totals.tags += b.tags.length;
      totals.organisations += b.orgs.length;
    }
    await syncSequences(trx);
    await writeAudit(
      trx,
      { actorId: null, actorName: 'system', ip: null, requestId: null },
      { action: 'system.seed_demo', detail: { module: 'registry', ...totals } },
      s.clock.now(),
    );
  });
  // VACUUM sets the visibility map and hint bits once, here, rather than in every clone of the
  // test template: counts and index-only scans stay cheap from the first request.
  await sql`VACUUM (ANALYZE) people, households, house_info, person_tags, rentals, rental_tenants, organisations, areas`.execute(
    s.db,
  );
}
