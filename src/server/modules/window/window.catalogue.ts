import type { Material, MatterInput } from '../../../contract/window.js';

/**
 * The demo street's community catalogue: the "下沉服务事项45项" of [004] as listed in
 * design/modules/window.md §3. Materials default to ID + 申请表 and the rest follow the county's
 * 办事指南 (⚠ not verified: a demo default the catalogue admin edits); limits where sourced.
 * Every matter defaults to 受理后上报 with forwarding within 3 wd (rule 13).
 */
const ID: Material = { name: '申请人居民身份证', necessity: 'required', form: '原件', copies: 1, source: '申请人', review: '核验原件与本人一致，留存复印件' };
const FORM = (name: string): Material => ({ name, necessity: 'required', form: '原件', copies: 1, source: '窗口领取或网上下载', review: '填写完整、签字' });
const HH: Material = { name: '户口簿', necessity: 'gap_ok', form: '原件', copies: 1, source: '申请人', review: '核对户主页与本人页' };
const PHOTO: Material = { name: '近期一寸免冠照片', necessity: 'gap_ok', form: '原件', copies: 2, source: '申请人', review: '白底' };
const BANK: Material = { name: '本人银行卡（折）', necessity: 'gap_ok', form: '复印件', copies: 1, source: '申请人', review: '户名与申请人一致' };
const INCOME: Material = { name: '家庭收入及财产状况说明', necessity: 'required', form: '原件', copies: 1, source: '申请人', review: '家庭成员签字' };
const AUTH: Material = { name: '授权核查家庭经济状况的书面声明', necessity: 'required', form: '原件', copies: 1, source: '申请人', review: '全体家庭成员签字' };
const MED: Material = { name: '医疗诊断证明', necessity: 'gap_ok', form: '复印件', copies: 1, source: '二级以上医院', review: '近 6 个月内' };
const MARRIAGE: Material = { name: '结婚证', necessity: 'required', form: '原件', copies: 1, source: '申请人', review: '核验原件' };
const ONECHILD: Material = { name: '独生子女父母光荣证', necessity: 'required', form: '原件', copies: 1, source: '申请人', review: '核验原件' };
const PROMISE: Material = { name: '书面承诺书', necessity: 'required', form: '原件', copies: 1, source: '窗口提供', review: '本人签字' };
const DISAB: Material = { name: '残疾人证', necessity: 'required', form: '原件', copies: 1, source: '申请人', review: '核验原件' };

type Seed = [
  baseCode: string,
  name: string,
  department: string,
  type: MatterInput['type'],
  method: MatterInput['method'],
  legal: number | null,
  promised: number | null,
  materials: Material[],
  note?: string,
];

const SEEDS: Seed[] = [
  // 社保
  ['SB0001', '城乡居民养老保险参保登记', '社保', 'public_service', 'forward', 10, 5, [ID, FORM('城乡居民基本养老保险参保登记表'), HH]],
  ['SB0002', '城乡居民养老保险参保登记（困难群体代缴）', '社保', 'public_service', 'forward', 10, 5, [ID, FORM('城乡居民基本养老保险参保登记表'), { name: '困难群体身份证明', necessity: 'required', form: '复印件', copies: 1, source: '民政、残联', review: '在有效期内' }]],
  ['SB0003', '灵活就业人员养老保险参保登记', '社保', 'public_service', 'forward', 10, 5, [ID, FORM('灵活就业人员参保登记表'), BANK]],
  ['SB0004', '养老保险参保暂停（封存）', '社保', 'public_service', 'forward', 10, 5, [ID, FORM('参保暂停申请表')]],
  ['SB0005', '养老保险参保恢复（解封）', '社保', 'public_service', 'forward', 10, 5, [ID, FORM('参保恢复申请表')]],
  ['SB0006', '居民养老保险注销登记', '社保', 'public_service', 'forward', 10, 5, [ID, FORM('注销登记表'), { name: '死亡证明或户籍注销证明', necessity: 'required', form: '复印件', copies: 1, source: '医院或派出所', review: '与参保人一致' }]],
  // 医保
  ['YB0001', '城乡居民医保参保登记', '医保', 'public_service', 'direct', null, null, [ID, HH]],
  // 民政
  ['MZ0001', '最低生活保障申请', '民政', 'benefit', 'forward', 30, 25, [ID, FORM('最低生活保障申请书'), HH, INCOME, AUTH, BANK], '社区受理后上报街道，公示 7 天，全程 25 个工作日'],
  ['MZ0002', '临时救助申请', '民政', 'benefit', 'forward', 15, 10, [ID, FORM('临时救助申请书'), INCOME, MED]],
  ['MZ0003', '特困人员救助供养申请', '民政', 'benefit', 'forward', 30, 20, [ID, FORM('特困人员救助供养申请书'), HH, INCOME, AUTH]],
  ['MZ0004', '低收入家庭认定', '民政', 'confirmation', 'forward', 30, 20, [ID, FORM('低收入家庭认定申请书'), HH, INCOME, AUTH]],
  ['MZ0005', '散居孤儿基本生活补助', '民政', 'benefit', 'forward', 30, 20, [ID, FORM('孤儿基本生活保障申请表'), { name: '父母死亡或宣告死亡证明', necessity: 'required', form: '复印件', copies: 1, source: '医院、法院或公安', review: '与户籍一致' }]],
  ['MZ0006', '事实无人抚养儿童基本生活补贴', '民政', 'benefit', 'forward', 30, 20, [ID, FORM('事实无人抚养儿童认定申请表'), HH]],
  ['MZ0007', '高龄补贴申请', '民政', 'benefit', 'forward', 20, 10, [ID, FORM('高龄补贴申请表'), BANK]],
  ['MZ0008', '经济困难高龄失能老人补贴', '民政', 'benefit', 'forward', 20, 15, [ID, FORM('补贴申请表'), { name: '失能等级评估结果', necessity: 'required', form: '复印件', copies: 1, source: '评估机构', review: '在有效期内' }, INCOME]],
  ['MZ0009', '居家养老服务申请', '民政', 'public_service', 'forward', 15, 10, [ID, FORM('居家养老服务申请表')]],
  // 老龄
  ['LL0001', '老年人优待证办理', '老龄', 'public_service', 'forward', 25, 20, [ID, PHOTO, FORM('老年人优待证申请表')], '社区受理审验，制证 20 个工作日，5 个工作日内通知领取'],
  ['LL0002', '敬老卡办理', '老龄', 'public_service', 'forward', 20, 15, [ID, PHOTO]],
  // 残联
  ['CL0001', '残疾人证申领代办', '残联', 'confirmation', 'proxy', 30, 20, [ID, PHOTO, HH, FORM('残疾人证申请表')]],
  ['CL0002', '残疾人证换领代办', '残联', 'confirmation', 'proxy', 30, 20, [ID, DISAB, PHOTO]],
  ['CL0003', '困难残疾人生活补贴和重度残疾人护理补贴', '残联', 'benefit', 'forward', 30, 20, [ID, DISAB, FORM('两项补贴申请表'), BANK], '⚠ 材料以县残联办事指南为准'],
  // 卫健
  ['WJ0001', '生育登记', '卫健', 'public_service', 'direct', null, null, [ID, MARRIAGE]],
  ['WJ0002', '流动人口婚育证明', '卫健', 'public_service', 'direct', null, null, [ID, MARRIAGE]],
  ['WJ0003', '再生育审批', '卫健', 'licence', 'forward', 30, 20, [ID, MARRIAGE, HH, FORM('再生育申请表')]],
  ['WJ0004', '计划生育特别扶助', '卫健', 'benefit', 'forward', 30, 20, [ID, ONECHILD, FORM('特别扶助申请表'), { name: '子女死亡或伤残证明', necessity: 'required', form: '复印件', copies: 1, source: '医院、公安或残联', review: '核验原件' }]],
  ['WJ0005', '独生子女父母奖励', '卫健', 'award', 'forward', 20, 10, [ID, ONECHILD, BANK]],
  ['WJ0006', '独生子女父母保健费', '卫健', 'benefit', 'forward', 20, 10, [ID, ONECHILD, BANK]],
  ['WJ0007', '独生子女医保补贴', '卫健', 'benefit', 'forward', 20, 10, [ID, ONECHILD]],
  ['WJ0008', '计生家庭养老保险补贴', '卫健', 'benefit', 'forward', 20, 10, [ID, ONECHILD, { name: '养老保险缴费凭证', necessity: 'gap_ok', form: '复印件', copies: 1, source: '社保', review: '当年度' }]],
  // 人社
  ['RS0001', '失业登记', '人社', 'public_service', 'forward', 5, 3, [FORM('失业登记表'), ID, PROMISE]],
  ['RS0002', '就业登记', '人社', 'public_service', 'forward', 10, 5, [ID, FORM('就业登记表'), { name: '劳动合同', necessity: 'gap_ok', form: '复印件', copies: 1, source: '用人单位', review: '签字盖章' }]],
  ['RS0003', '就业创业证申领', '人社', 'public_service', 'forward', 10, 5, [ID, PHOTO, FORM('就业创业证申领表')]],
  ['RS0004', '就业困难人员认定初审', '人社', 'confirmation', 'forward', 10, 7, [ID, FORM('就业困难人员认定申请表'), { name: '困难类别证明材料', necessity: 'gap_ok', form: '复印件', copies: 1, source: '相关部门', review: '与认定类别一致' }]],
  ['RS0005', '公益性岗位申请', '人社', 'public_service', 'forward', 15, 10, [ID, FORM('公益性岗位申请表'), { name: '就业困难人员认定证明', necessity: 'required', form: '复印件', copies: 1, source: '人社部门', review: '在有效期内' }]],
  ['RS0006', '创业担保贷款初审', '人社', 'public_service', 'forward', 15, 10, [ID, FORM('创业担保贷款申请表'), { name: '营业执照', necessity: 'required', form: '复印件', copies: 1, source: '申请人', review: '在有效期内' }, { name: '经营场所证明', necessity: 'gap_ok', form: '复印件', copies: 1, source: '申请人', review: '租赁合同或产权证明' }]],
  ['RS0007', '生育保险待遇申领', '人社', 'benefit', 'forward', 20, 10, [ID, { name: '出生医学证明', necessity: 'required', form: '复印件', copies: 1, source: '医院', review: '核验原件' }, BANK]],
  // 公安
  ['GA0001', '居住登记', '公安', 'confirmation', 'forward', 10, 5, [ID, { name: '合法稳定住所证明', necessity: 'gap_ok', form: '复印件', copies: 1, source: '申请人', review: '租赁合同或房产证明' }], '⚠ 是否由社区代收以当地公安规定为准'],
  ['GA0002', '居住证申领代收', '公安', 'licence', 'proxy', 15, 10, [ID, PHOTO, { name: '居住登记凭证', necessity: 'required', form: '原件', copies: 1, source: '派出所', review: '居住满半年' }], '⚠ 是否由社区代收以当地公安规定为准'],
  ['GA0003', '居住证挂失', '公安', 'public_service', 'proxy', 10, 5, [ID, FORM('居住证挂失申请表')]],
  // 司法
  ['SF0001', '法律援助咨询', '司法', 'public_service', 'direct', null, null, [ID]],
  ['SF0002', '人民调解申请', '司法', 'public_service', 'direct', 30, 15, [ID, FORM('人民调解申请书')]],
  // 住房·教育
  ['ZF0001', '公共租赁住房申请初审', '住房', 'public_service', 'forward', 20, 15, [ID, FORM('公共租赁住房申请表'), HH, INCOME, { name: '住房情况证明', necessity: 'gap_ok', form: '原件', copies: 1, source: '不动产登记中心', review: '无房或人均面积达标' }]],
  ['JY0001', '家庭经济困难大学生资助', '教育', 'benefit', 'forward', 20, 10, [ID, FORM('资助申请表'), { name: '录取通知书或学籍证明', necessity: 'required', form: '复印件', copies: 1, source: '学校', review: '当年度' }, INCOME]],
  // 证明
  ['ZM0001', '居住证明', '社区', 'confirmation', 'direct', null, null, [ID, HH], '⚠ 多地已取消此类证明，出具前核对本地取消清单'],
  // 街道自有
  ['JD0001', '社区服务场地借用', '社区', 'public_service', 'direct', null, null, [ID, FORM('场地借用申请表')]],
];

/** The seed catalogue as catalogue inputs. */
export function seedCatalogue(effectiveOn: string): MatterInput[] {
  return SEEDS.map(([baseCode, name, department, type, method, legal, promised, materials, note]) => ({
    baseCode,
    implCode: `${baseCode}-JY01`,
    itemCode: null,
    name,
    parentName: null,
    kind: 'item',
    type,
    level: 'community',
    department,
    implementer: `${department}部门（社区受理）`,
    basis: null,
    method,
    audience: '辖区居民',
    conditions: null,
    legalLimit: legal,
    promisedLimit: legal === null ? null : promised,
    limitUnit: 'wday',
    limitNote: note ?? (method === 'forward' ? '社区受理后 3 个工作日内上报街道' : null),
    visits: 1,
    place: '社区党群服务中心 便民服务窗口',
    hours: '工作日 8:30–12:00，14:00–17:30；错时服务见预约',
    fees: '不收费',
    contacts: '社区服务窗口',
    online: false,
    bookable: true,
    effectiveOn,
    cancelledOn: null,
    materials,
    faqs: [{ q: '材料不齐可以先受理吗？', a: '主要材料齐全、次要材料缺少的，可签署容缺承诺书先行受理，并在补正期限内补齐。' }],
  }));
}
