/**
 * What the demo street's year of cases is made of (cases.history.ts): categories with how often
 * each is reported and in which months more, titles, what the handler reports back, and who
 * handles it. Chinese as the street writes it.
 */

/** Monthly multipliers, January first. */
type Season = readonly [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

const FLAT: Season = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
/** 夏季: noise, night markets. */
const SUMMER: Season = [0.6, 0.6, 0.8, 1, 1.3, 1.8, 2.2, 2.2, 1.6, 1, 0.7, 0.6];
/** 汛期 (April–July in Hunan): leaks, sewage, damaged roads. */
const RAINY: Season = [0.7, 0.8, 1.1, 1.6, 1.9, 2, 1.5, 1, 0.8, 0.7, 0.7, 0.7];
/** 冬季: e-bike charging, gas, street lights, frozen pipes. */
const WINTER: Season = [1.6, 1.5, 1.1, 0.9, 0.8, 0.7, 0.7, 0.7, 0.8, 1, 1.3, 1.6];
/** 春节前后: garbage, rentals changing hands, family matters. */
const FESTIVAL: Season = [1.4, 2, 1.3, 1, 0.9, 0.9, 0.9, 0.9, 0.9, 1, 1, 1.1];
/** 春季装修、绿化. */
const SPRING: Season = [0.8, 0.9, 1.4, 1.5, 1.3, 1.1, 0.9, 0.9, 1, 1, 0.9, 0.8];
/** 年底讨薪. */
const YEAR_END: Season = [2.2, 1.4, 0.8, 0.7, 0.7, 0.7, 0.8, 0.8, 0.8, 0.9, 1.3, 2.2];
/** 医保缴费季 (September–December). */
const INSURANCE: Season = [1, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 1.6, 1.8, 1.8, 1.5];

/** Who a case of the category goes to: the grid's worker, the community, or a department through the community. */
export type HandlerKind = 'grid' | 'worker' | 'dept';

export interface SeedCategory {
  code: string;
  weight: number;
  season: Season;
  titles: readonly string[];
  /** What the handler reports back (反馈). */
  feedback: readonly string[];
  handler: readonly (readonly [HandlerKind, number])[];
  /** The departments a 'dept' case is passed to. */
  departments?: readonly string[];
  /** Reported at night as often as by day (noise). */
  night?: boolean;
  /** On the street rather than in a compound. */
  street?: boolean;
}

const GRID_MOSTLY = [
  ['grid', 6],
  ['worker', 3],
  ['dept', 1],
] as const;
const WORKER_MOSTLY = [
  ['grid', 3],
  ['worker', 6],
  ['dept', 1],
] as const;
const DEPT_MOSTLY = [
  ['grid', 1],
  ['worker', 3],
  ['dept', 6],
] as const;

export const EVENT_SEED: SeedCategory[] = [
  {
    code: 'safety.structure',
    weight: 2,
    season: RAINY,
    titles: ['外墙瓷砖脱落存在安全隐患', '老旧房屋墙体开裂', '楼顶广告牌松动', '阳台栏杆锈蚀松动'],
    feedback: ['已拉设警戒线并联系产权单位加固，隐患已消除', '已督促业主清除松动瓷砖，现场安全'],
    handler: DEPT_MOSTLY,
    departments: ['汨罗市住房和城乡建设局'],
  },
  {
    code: 'safety.gas',
    weight: 2,
    season: WINTER,
    titles: ['餐馆燃气管道老化', '居民楼道闻到燃气味', '液化气罐违规存放在地下室'],
    feedback: ['已联系燃气公司上门检修，管道已更换', '已督促店主将液化气罐移出，签订安全承诺书'],
    handler: DEPT_MOSTLY,
    departments: ['汨罗市燃气公司'],
  },
  {
    code: 'safety.electric',
    weight: 3,
    season: WINTER,
    titles: ['私拉电线给电动车充电', '楼道私拉乱接电线', '门面私接电线用电'],
    feedback: ['已拆除私拉电线，向住户宣传用电安全', '已联系物业规范线路，隐患已消除'],
    handler: GRID_MOSTLY,
  },
  {
    code: 'safety.ebike',
    weight: 6,
    season: WINTER,
    titles: ['电动车在楼道内充电', '电动车停放堵塞楼梯间', '电动车进电梯', '飞线充电'],
    feedback: ['已劝导住户将电动车移至集中充电点', '已清理楼道电动车，张贴禁停提示'],
    handler: GRID_MOSTLY,
  },
  {
    code: 'fire.hydrant',
    weight: 2,
    season: WINTER,
    titles: ['消防栓漏水', '消防栓箱门损坏', '室外消防栓被圈占'],
    feedback: ['已联系物业维修消防栓，试水正常', '已更换消防栓箱门'],
    handler: WORKER_MOSTLY,
  },
  {
    code: 'fire.exit',
    weight: 5,
    season: FESTIVAL,
    titles: ['楼道堆放杂物堵塞消防通道', '消防车道被私家车占用', '安全出口被锁闭'],
    feedback: ['已清理楼道杂物，消防通道畅通', '已联系车主挪车，施划禁停标线', '已督促打开安全出口'],
    handler: GRID_MOSTLY,
  },
  {
    code: 'fire.extinguisher',
    weight: 2,
    season: WINTER,
    titles: ['楼道灭火器过期', '灭火器箱内灭火器缺失'],
    feedback: ['已联系物业更换灭火器', '已补齐灭火器并登记检查日期'],
    handler: WORKER_MOSTLY,
  },
  {
    code: 'environment.exposed_garbage',
    weight: 12,
    season: FESTIVAL,
    titles: ['垃圾桶满溢未及时清运', '路边暴露垃圾', '绿化带内堆放生活垃圾', '菜市场周边垃圾散落'],
    feedback: ['已联系环卫清运，现场已清理干净', '已督促保洁员清理，增加清运频次'],
    handler: GRID_MOSTLY,
    street: true,
  },
  {
    code: 'environment.accumulated_garbage',
    weight: 5,
    season: SPRING,
    titles: ['装修建筑垃圾堆放未清运', '空地积存渣土', '楼后堆积大件垃圾'],
    feedback: ['已联系渣土车清运完毕', '已督促装修户限期清运，现已清理'],
    handler: WORKER_MOSTLY,
  },
  {
    code: 'environment.dirty_road',
    weight: 4,
    season: FLAT,
    titles: ['路面油污未清理', '道路泥土撒漏', '人行道积水淤泥'],
    feedback: ['已通知环卫冲洗路面', '已清扫完毕'],
    handler: GRID_MOSTLY,
    street: true,
  },
  {
    code: 'environment.sewage',
    weight: 3,
    season: RAINY,
    titles: ['化粪池满溢', '下水道堵塞污水外溢', '雨水管道倒灌'],
    feedback: ['已联系疏通公司清掏，污水已排除', '已疏通下水道，现场消杀'],
    handler: DEPT_MOSTLY,
    departments: ['汨罗市城市管理局', '汨罗市自来水公司'],
  },
  {
    code: 'environment.green',
    weight: 3,
    season: SPRING,
    titles: ['公共绿地被毁种菜', '行道树枯枝未修剪', '绿化带被踩踏'],
    feedback: ['已劝导住户恢复绿地，补种草皮', '已联系园林部门修剪枯枝'],
    handler: WORKER_MOSTLY,
  },
  {
    code: 'order.parking',
    weight: 10,
    season: FLAT,
    titles: ['人行道违停', '小区出入口乱停车', '占用盲道停车', '共享单车乱停放'],
    feedback: ['已联系车主挪车', '已联系交警贴单处理', '已整理摆放共享单车'],
    handler: GRID_MOSTLY,
    street: true,
  },
  {
    code: 'order.vending',
    weight: 8,
    season: SUMMER,
    titles: ['早市占道经营', '流动摊贩占用人行道', '夜宵摊占道经营', '门店出店经营'],
    feedback: ['已劝导摊贩进入规定区域经营', '已联合城管劝离，现场秩序恢复'],
    handler: GRID_MOSTLY,
    street: true,
  },
  {
    code: 'order.ads',
    weight: 5,
    season: FLAT,
    titles: ['楼道乱贴小广告', '电线杆上张贴非法广告', '单元门乱涂写'],
    feedback: ['已清除小广告', '已组织志愿者清理楼道小广告'],
    handler: GRID_MOSTLY,
  },
  {
    code: 'order.building',
    weight: 2,
    season: SPRING,
    titles: ['楼顶违章搭建', '私自圈占公共绿地搭棚', '一楼住户违规扩建'],
    feedback: ['已下达整改通知，违建已自行拆除', '已移交城管执法，违建已拆除'],
    handler: DEPT_MOSTLY,
    departments: ['汨罗市城市管理局'],
  },
  {
    code: 'facility.road',
    weight: 3,
    season: RAINY,
    titles: ['人行道地砖破损', '路面塌陷坑洼', '小区道路破损'],
    feedback: ['已设置警示并修补路面', '市政已完成修复'],
    handler: DEPT_MOSTLY,
    departments: ['汨罗市城市管理局', '汨罗市住房和城乡建设局'],
    street: true,
  },
  {
    code: 'facility.manhole',
    weight: 3,
    season: RAINY,
    titles: ['井盖破损', '雨水井盖缺失', '井盖松动异响'],
    feedback: ['已设置围挡并更换井盖', '权属单位已补装井盖'],
    handler: DEPT_MOSTLY,
    departments: ['汨罗市城市管理局'],
    street: true,
  },
  {
    code: 'facility.streetlight',
    weight: 5,
    season: WINTER,
    titles: ['路灯不亮', '小区路灯损坏', '路灯白天常亮'],
    feedback: ['已更换灯具，路灯恢复照明', '已维修线路，路灯正常'],
    handler: DEPT_MOSTLY,
    departments: ['汨罗市供电公司', '汨罗市城市管理局'],
    street: true,
  },
  {
    code: 'facility.water',
    weight: 2,
    season: WINTER,
    titles: ['供水管道漏水', '水表井漏水', '二次供水设施损坏'],
    feedback: ['已关阀抢修，供水恢复正常', '自来水公司已更换管段'],
    handler: DEPT_MOSTLY,
    departments: ['汨罗市自来水公司'],
  },
  {
    code: 'public_order.disturbance',
    weight: 6,
    season: SUMMER,
    titles: ['夜间广场舞噪音扰民', 'KTV 噪音扰民', '夜宵店深夜噪音扰民', '装修噪音扰民'],
    feedback: ['已上门劝导，噪音已停止', '已与广场舞队协商调整时间和音量', '已联合派出所处置'],
    handler: GRID_MOSTLY,
    night: true,
  },
  {
    code: 'public_order.rental',
    weight: 3,
    season: FESTIVAL,
    titles: ['出租屋群租存在治安隐患', '出租屋人员流动频繁未登记'],
    feedback: ['已上门核查，督促房东办理租赁登记', '已登记流动人口信息'],
    handler: GRID_MOSTLY,
  },
  {
    code: 'public_order.suspicious',
    weight: 1,
    season: FLAT,
    titles: ['可疑人员在小区徘徊', '楼道发现可疑物品'],
    feedback: ['已联系派出所核查，排除隐患', '经核查为住户遗留物品，已归还'],
    handler: DEPT_MOSTLY,
    departments: ['城关派出所'],
  },
  {
    code: 'other.other',
    weight: 2,
    season: FLAT,
    titles: ['流浪犬伤人隐患', '楼道内饲养家禽', '高空抛物隐患'],
    feedback: ['已联系相关部门处置', '已上门宣传劝导，住户已整改'],
    handler: WORKER_MOSTLY,
  },
];

export const REQUEST_SEED: SeedCategory[] = [
  {
    code: 'emergency.emergency',
    weight: 1,
    season: WINTER,
    titles: ['独居老人摔倒求助', '家中水管爆裂紧急求助', '老人走失求助'],
    feedback: ['已第一时间上门协助，联系家属送医', '已协调维修人员关阀抢修'],
    handler: WORKER_MOSTLY,
  },
  {
    code: 'consult.policy',
    weight: 5,
    season: INSURANCE,
    titles: ['咨询高龄津贴申领条件', '咨询城乡居民医保缴费', '咨询低保申请条件', '咨询养老保险缴费'],
    feedback: ['已电话回复居民，解答相关政策', '已告知办理材料和流程'],
    handler: [['worker', 1]],
  },
  {
    code: 'consult.service',
    weight: 4,
    season: FLAT,
    titles: ['咨询居住证办理', '咨询开具居住证明', '咨询新生儿落户', '咨询老年优待证办理'],
    feedback: ['已告知办理地点和所需材料', '已协助预约办理'],
    handler: [['worker', 1]],
  },
  {
    code: 'help.living',
    weight: 4,
    season: WINTER,
    titles: ['独居老人需要助餐服务', '行动不便老人需代购药品', '残疾人申请上门服务'],
    feedback: ['已对接助餐点送餐上门', '已安排志愿者代购并送达'],
    handler: [
      ['grid', 1],
      ['worker', 1],
    ],
  },
  {
    code: 'help.repair',
    weight: 6,
    season: FLAT,
    titles: ['楼道灯坏了请帮忙维修', '单元门禁损坏', '二次供水水压不足', '屋顶漏水'],
    feedback: ['已协调物业维修完毕', '已联系维修单位上门修复'],
    handler: [
      ['grid', 1],
      ['worker', 1],
    ],
  },
  {
    code: 'suggestion.suggestion',
    weight: 3,
    season: FLAT,
    titles: ['建议增设晾晒区', '建议增加停车位', '建议增设电动车充电桩', '建议增设休闲座椅'],
    feedback: ['建议已提交居民议事会研究，已回复居民', '已纳入年度为民办实事项目'],
    handler: [['worker', 1]],
  },
  {
    code: 'complaint.property',
    weight: 5,
    season: FLAT,
    titles: ['物业不及时清理化粪池', '电梯经常故障', '物业服务费收取不合理', '小区门禁长期损坏'],
    feedback: ['已约谈物业公司，限期整改完毕', '已协调物业与业主代表沟通，问题已解决'],
    handler: [['worker', 1]],
  },
  {
    code: 'complaint.noise',
    weight: 4,
    season: SUMMER,
    titles: ['楼上夜间噪音扰民', '商铺音响外放扰民', '工地夜间施工噪音'],
    feedback: ['已上门劝导，噪音问题已解决', '已联系城管督促工地停止夜间施工'],
    handler: [
      ['grid', 1],
      ['worker', 1],
    ],
    night: true,
  },
  {
    code: 'complaint.other',
    weight: 2,
    season: FLAT,
    titles: ['快递柜占用消防通道', '小区内乱停共享单车', '商铺油烟扰民'],
    feedback: ['已协调相关单位整改', '已督促商户加装油烟净化设备'],
    handler: [['worker', 1]],
  },
  {
    code: 'report.report',
    weight: 1,
    season: FLAT,
    titles: ['举报群租房', '举报无证经营'],
    feedback: ['经核查属实，已督促整改', '经核查，已移交相关部门处理'],
    handler: [['worker', 1]],
  },
];

export const DISPUTE_SEED: SeedCategory[] = [
  {
    code: '0202',
    weight: 8,
    season: SUMMER,
    titles: ['楼上楼下噪音纠纷', '装修噪音引发邻里纠纷'],
    feedback: [],
    handler: [],
  },
  {
    code: '0203',
    weight: 6,
    season: RAINY,
    titles: ['卫生间漏水引发邻里纠纷', '楼上漏水损坏天花板纠纷'],
    feedback: [],
    handler: [],
  },
  {
    code: '0201',
    weight: 5,
    season: FLAT,
    titles: ['相邻通行纠纷', '公共楼道占用纠纷', '空调外机位置纠纷'],
    feedback: [],
    handler: [],
  },
  {
    code: '0102',
    weight: 6,
    season: FESTIVAL,
    titles: ['家庭矛盾纠纷', '婆媳矛盾纠纷'],
    feedback: [],
    handler: [],
  },
  {
    code: '0104',
    weight: 4,
    season: FESTIVAL,
    titles: ['老人赡养纠纷', '子女赡养费分担纠纷'],
    feedback: [],
    handler: [],
  },
  {
    code: '0101',
    weight: 3,
    season: FESTIVAL,
    titles: ['夫妻感情纠纷', '离婚后子女抚养纠纷'],
    feedback: [],
    handler: [],
  },
  { code: '0103', weight: 2, season: FLAT, titles: ['房屋继承纠纷'], feedback: [], handler: [] },
  {
    code: '0402',
    weight: 6,
    season: FLAT,
    titles: ['业主与物业服务费纠纷', '物业停车管理纠纷'],
    feedback: [],
    handler: [],
  },
  {
    code: '0601',
    weight: 5,
    season: FESTIVAL,
    titles: ['房屋租赁押金纠纷', '租金拖欠纠纷'],
    feedback: [],
    handler: [],
  },
  {
    code: '0701',
    weight: 5,
    season: YEAR_END,
    titles: ['装修工人工资纠纷', '农民工讨薪纠纷'],
    feedback: [],
    handler: [],
  },
  { code: '0801', weight: 3, season: YEAR_END, titles: ['民间借贷纠纷'], feedback: [], handler: [] },
  {
    code: '0501',
    weight: 2,
    season: FLAT,
    titles: ['宠物狗咬伤赔偿纠纷', '小区内摔伤赔偿纠纷'],
    feedback: [],
    handler: [],
  },
  {
    code: '0502',
    weight: 3,
    season: FLAT,
    titles: ['车辆剐蹭赔偿纠纷', '高空坠物损坏车辆纠纷'],
    feedback: [],
    handler: [],
  },
  { code: '1103', weight: 2, season: SPRING, titles: ['老旧小区改造施工纠纷'], feedback: [], handler: [] },
  {
    code: '0299',
    weight: 3,
    season: FLAT,
    titles: ['邻里饲养宠物纠纷', '楼道堆物邻里纠纷'],
    feedback: [],
    handler: [],
  },
];

/** What a mediation ends with (调解协议 in a sentence), per dispute category's group. */
export const AGREEMENTS: Record<string, readonly string[]> = {
  '01': [
    '双方自愿达成调解协议：子女按月轮流照料老人，赡养费按月支付，当场履行首月费用。',
    '双方自愿达成调解协议：家庭财产按约定分割，双方不再就此事发生争执。',
  ],
  '02': [
    '双方自愿达成调解协议：楼上住户铺设隔音垫，晚十点后不再发出噪音；楼下住户不再张贴告示。',
    '双方自愿达成调解协议：漏水方负责维修并赔偿损失，当场支付。',
  ],
  '04': ['双方自愿达成调解协议：业主补缴物业费，物业公司限期整改服务问题。'],
  '05': [
    '双方自愿达成调解协议：责任方一次性赔偿医药费及误工费，当场履行。',
    '双方自愿达成调解协议：按定损金额赔偿，双方签字确认。',
  ],
  '06': ['双方自愿达成调解协议：房东退还押金扣除水电费后的余额，当场履行。'],
  '07': ['双方自愿达成调解协议：包工头于十日内结清拖欠工资，社区跟踪督促。'],
  '08': ['双方自愿达成调解协议：借款分三期归还，每期按时转账。'],
  '11': ['双方自愿达成调解协议：施工方调整作业时间并修复损坏设施。'],
};

export const MEDIATION_NOTES = [
  '听取双方陈述，释法明理，双方情绪趋于平稳。',
  '分别做双方思想工作，初步达成一致意见。',
  '邀请法律顾问参与，讲解相关法律规定。',
  '现场查看情况，核实争议事实。',
];

export const REFERRED_TO = [
  '汨罗市人民法院诉前调解',
  '城关派出所',
  '汨罗市劳动保障监察大队',
  '汨罗市住房和城乡建设局',
];

export const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林谢唐彭邓曹袁许傅沈曾';
