/** Chinese texts of the workbench's home part (issue 16); spread into `zh` in messages.zh-CN.ts. */
export const homeZh = {
  'workbench.group.todo': '我的待办',
  'workbench.group.alert': '超时与预警',
  'workbench.group.today': '今日工作',
  'workbench.group.expiring': '即将到期',
  'workbench.group.notice': '最近消息',
  'workbench.open': '{label}：{count} 件，打开列表',
  'workbench.unread': '{n} 条未读',
  'workbench.allNotices': '全部消息',
  'workbench.noNotices': '暂无消息',
  'workbench.none': '您的岗位没有待办事项',
  'workbench.noneHint': '待受理、待办理、待核查的事件和到期提醒会出现在这里；请从左侧菜单进入您负责的功能。',
  'workbench.allDone': '待办都已处理完毕',
  'workbench.dateFormat': 'YYYY年M月D日 dddd',
} as const;
