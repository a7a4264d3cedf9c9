import { HOUSE_USES, ORG_KINDS } from '../../../../contract/codes.js';
import { toHalfWidth } from '../../../../contract/identifiers.js';
import { headerTable } from '../../../engines/sheets/index.js';

/**
 * The organisations and houses ledgers as the registry imports them: each field's column titles
 * seen in community ledgers (the sheets engine finds the header by them), its label in messages
 * and the template, and the words a coded column may hold.
 */

export const ORG_FIELDS = [
  'name',
  'kind',
  'creditCode',
  'area',
  'address',
  'contactName',
  'contactPhone',
  'note',
] as const;
export type OrgField = (typeof ORG_FIELDS)[number];

export const ORG_HEADERS = headerTable<OrgField>({
  name: ['单位名称', '名称', '组织名称', '企业名称', '单位全称', '机构名称', '商户名称', '店名', 'name'],
  kind: ['类别', '单位类别', '单位类型', '组织类型', '类型', '性质', '单位性质', 'kind'],
  creditCode: ['统一社会信用代码', '社会信用代码', '信用代码', '组织机构代码', '营业执照号', 'creditcode'],
  area: ['所属网格', '所属区域', '所在网格', '网格', '所属社区', '所在社区'],
  address: ['地址', '单位地址', '经营地址', '注册地址', '办公地址', '详细地址', 'address'],
  contactName: ['联系人', '负责人', '法定代表人', '法人', '联系人姓名', 'contact'],
  contactPhone: ['联系电话', '电话', '手机', '手机号码', '联系方式', '负责人电话', 'phone'],
  note: ['备注', '说明', 'note'],
});

export const ORG_LABELS: Record<OrgField, [string, string]> = {
  name: ['单位名称', 'name'],
  kind: ['类别', 'kind'],
  creditCode: ['统一社会信用代码', 'credit code'],
  area: ['所属网格', 'grid'],
  address: ['地址', 'address'],
  contactName: ['联系人', 'contact'],
  contactPhone: ['联系电话', 'contact phone'],
  note: ['备注', 'note'],
};

const key = (s: string) => toHalfWidth(s).replace(/\s+/g, '').toLowerCase();

function words(codes: { code: string; zh: string; en: string }[], extra: Record<string, string[]>) {
  const m = new Map<string, string>();
  for (const c of codes) for (const w of [c.code, c.zh, c.en]) m.set(key(w), c.code);
  for (const [code, ws] of Object.entries(extra)) for (const w of ws) m.set(key(w), code);
  return m;
}

export const ORG_KIND_WORDS = words(ORG_KINDS, {
  cobuild: ['共建', '机关', '事业单位', '机关事业单位', '机关单位', '学校', '医院', '国企'],
  enterprise: ['企业', '公司', '个体工商户', '个体户', '商户', '店铺', '门店', '民营企业'],
  market: ['市场', '农贸市场', '商场', '批发市场'],
  social: ['社会组织', '社团', '协会', '民办非企业', '民非', '基金会'],
  team: ['群众队伍', '志愿者队伍', '志愿服务队', '文体队伍', '队伍', '舞蹈队'],
});

export const HOUSE_FIELDS = [
  'address',
  'compound',
  'building',
  'unit',
  'room',
  'use',
  'ownerName',
  'ownerIdNumber',
  'floorArea',
  'note',
] as const;
export type HouseField = (typeof HOUSE_FIELDS)[number];

export const HOUSE_HEADERS = headerTable<HouseField>({
  address: ['房屋地址', '详细地址', '房屋坐落', '坐落', '地址', '门牌地址'],
  compound: ['小区', '小区名称', '所属小区', '院落', '小区(院落)'],
  building: ['楼栋', '楼号', '栋', '幢', '楼栋号', '栋号', '幢号'],
  unit: ['单元', '单元号'],
  room: ['房号', '门牌号', '房间号', '室号', '户号', '房屋编号'],
  use: ['房屋用途', '用途', '使用情况', '居住情况', '房屋状态', '使用性质'],
  ownerName: ['产权人', '房主', '业主', '产权人姓名', '业主姓名', '房主姓名'],
  ownerIdNumber: ['产权人身份证号', '产权人身份证号码', '房主身份证号', '业主身份证号', '产权人证件号码'],
  floorArea: ['建筑面积', '面积', '房屋面积', '建筑面积(平方米)', '使用面积'],
  note: ['备注', '说明'],
});

export const HOUSE_LABELS: Record<HouseField, [string, string]> = {
  address: ['房屋地址', 'address'],
  compound: ['小区', 'compound'],
  building: ['楼栋', 'building'],
  unit: ['单元', 'unit'],
  room: ['房号', 'room'],
  use: ['房屋用途', 'use'],
  ownerName: ['产权人', 'owner'],
  ownerIdNumber: ['产权人身份证号', "owner's ID number"],
  floorArea: ['建筑面积', 'floor area'],
  note: ['备注', 'note'],
};

export const HOUSE_USE_WORDS = words(HOUSE_USES, {
  owner: ['自住', '自用', '自有', '自居', '业主自住', '居住'],
  rental: ['出租', '租赁', '出租屋', '出租房', '租住'],
  vacant: ['空置', '闲置', '空房', '无人居住'],
  commercial: ['商用', '商铺', '经营', '门面', '营业用房', '办公'],
});

/**
 * A place name as ledgers write it, for matching a row to a house: half-width, no spaces, lower
 * case, and the usual suffix gone (1栋 = 1幢 = 1号楼 = 1#, 2单元 = 2, 301室 = 301). The same
 * on both sides (the ledger's cells and the area tree's names), so the keys agree.
 */
export function placeKey(s: string): string {
  return key(s)
    .replace(/[/\\|]/g, '')
    .replace(/(号楼|栋|幢|单元|室|楼|#|号|房)$/, '');
}

/** A floor area as typed: 89.5, 89.5㎡, 89.5平方米, 89.5 m2; null when it is not one. */
export function parseArea(s: string): number | null {
  const t = key(s).replace(/(㎡|平方米|平米|平方|m2|m²)$/, '');
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return n >= 0 && n <= 100000 ? Math.round(n * 100) / 100 : null;
}

export const wordKey = key;
