import { describe, expect, it } from 'vitest';
import { notice, noticeText } from './notify.js';

const c = { id: 7, no: 'SJ202612070000123', title: '楼道堆放杂物' };

describe('case notifications read as sentences', () => {
  it('tells the assignee who dispatched the case to them and what to do', () => {
    const n = {
      kind: 'dispatch' as const,
      state: 'dispatched' as const,
      actor: '王建国',
      data: { assignee: '刘洋' },
    };
    expect(noticeText(n, 'assignee')).toEqual({
      zh: '王建国 把案件派给了你，请签收',
      en: '王建国 dispatched the case to you; please sign for it',
    });
    expect(noticeText(n, 'reporter').zh).toBe('王建国 把案件派给了 刘洋 处置');
  });

  it('never reads as workflow jargon with a state code', () => {
    const kinds = [
      'report',
      'accept',
      'reject',
      'dispatch',
      'sign',
      'return',
      'feedback',
      'verify',
      'rate',
      'extend_request',
      'extend_decide',
      'suspend',
      'resume',
      'supervise',
      'remind',
      'reopen',
      'comment',
      'mediate',
      'conclude',
      'follow_up',
      'merge',
      'reassign',
    ] as const;
    for (const kind of kinds) {
      const t = noticeText({ kind, state: 'handling', actor: '张丽', data: {} }, null);
      expect(t.zh, kind).toContain('张丽');
      expect(t.zh, kind).not.toMatch(/当前状态|[a-z_]{4,}/);
      expect(t.en, kind).not.toMatch(/now: /);
    }
  });

  it('says what a verification and an extension decided', () => {
    expect(noticeText({ kind: 'verify', actor: '张丽', data: { passed: false } }, 'assignee').zh).toBe(
      '张丽 核查未通过，请重新处置',
    );
    expect(noticeText({ kind: 'verify', actor: '张丽', data: { passed: true } }, null).zh).toBe(
      '张丽 核查通过，案件已结案',
    );
    expect(
      noticeText({ kind: 'extend_request', actor: '刘洋', data: { amount: 2, unit: 'wday' } }, null).zh,
    ).toBe('刘洋 申请延期 2个工作日，请审批');
    expect(noticeText({ kind: 'comment', actor: '刘洋', comment: '已联系物业' }, null).zh).toBe(
      '刘洋 添加了备注：已联系物业',
    );
  });

  it('gives each recipient their own sentence, and none to the actor', () => {
    const x = notice(c, [4, 5, 9, 5, null], 9, {
      kind: 'dispatch',
      actor: '王建国',
      assigneeUserId: 4,
      reporterUserId: 5,
      data: { assignee: '刘洋' },
    });
    expect(x?.userIds).toEqual([4, 5]);
    expect(x?.bodyZh).toEqual(['王建国 把案件派给了你，请签收', '王建国 把案件派给了 刘洋 处置']);
    expect(x?.text.titleZh).toBe('【SJ202612070000123】楼道堆放杂物');
  });
});
