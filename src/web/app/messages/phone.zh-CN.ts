/** Chinese texts of the workbench's phone part (issue 16); spread into `zh` in messages.zh-CN.ts. */
export const phoneZh = {
  'phone.idleDeskHint': '网格员以外的账号：超过这段时间没有操作即退出登录。',
  'phone.idleGridWorker': '网格员空闲超时',
  'phone.idleGridWorkerHint':
    '只担任网格员的账号（在外走访、巡查时长时间不操作）适用此时长，默认 4 小时；会话最长有效期照样生效。',
  'phone.tabBar': '常用功能',
  'phone.tabMyDay': '我的一天',
  'phone.tabReport': '上报',
  'phone.tabCases': '事件',
  'phone.tabPeople': '居民',
  'phone.tabMore': '更多',
  'phone.unplanned': '临时走访',
  'phone.unplannedTitle': '临时走访：选择走访对象',
  'phone.unplannedHint':
    '不在走访计划中的走访（路上遇到、邻里反映等）也要记下来。先找到这个人，再填写走访情况。',
  'phone.pickPersonPlaceholder': '姓名、拼音首字母、证件号或电话后几位',
  'phone.pickPersonNone': '没有找到“{q}”',
  'phone.pickPersonMore': '共 {n} 人，输入姓名可缩小范围',
  'phone.recordVisit': '记录走访',
  'phone.categorySearch': '搜索分类，如“垃圾”“噪音”',
  'phone.categoryNone': '没有与“{q}”相符的分类',
  'phone.categoryCount': '{n} 类',
  'phone.placeNear': '位于{place}',
  'phone.placeMarked': '已在地图上标注位置',
  'phone.placeOpenMap': '在地图上查看',
  'phone.thisPerson': '该居民',
} as const;
