import { describe, expect, it } from 'vitest';
import { idCheckDigit } from './identifiers.js';
import { scrubPublicText as scrub } from './scrub.js';

/** Hand-made examples of what staff and residents type into a case (docs/open311.md "What is exposed"). */
describe('scrubPublicText', () => {
  it('takes out mobile numbers, however written', () => {
    expect(scrub('请回电13912345678')).toBe('请回电***');
    expect(scrub('联系人电话：139 1234 5678，谢谢')).toBe('联系人电话：***，谢谢');
    expect(scrub('电话139-1234-5678')).toBe('电话***');
    expect(scrub('+86 13912345678 或 008613912345678')).toBe('*** 或 ***');
    expect(scrub('手机１３９１２３４５６７８')).toBe('手机***');
  });

  it('takes out ID numbers, 18 and 15 digits, with or without X', () => {
    const id = `43068119850315123${idCheckDigit('43068119850315123')}`;
    expect(scrub('身份证430681198503151234')).toBe('身份证***');
    expect(scrub(`身份证号${id}，已核实`)).toBe('身份证号***，已核实');
    expect(scrub('证件 11010519491231002X 复印件')).toBe('证件 *** 复印件');
    expect(scrub('证件11010519491231002x')).toBe('证件***');
    expect(scrub('老证 430681850315123')).toBe('老证 ***');
    expect(scrub('430681 19850315 1234')).toBe('***');
  });

  it('takes out fixed lines, bank cards and other long numbers', () => {
    expect(scrub('物业电话0730-5223456转8')).toBe('物业电话***');
    expect(scrub('(0730)5223456')).toBe('***');
    expect(scrub('座机 0730 5223456')).toBe('座机 ***');
    expect(scrub('打5223456找王经理')).toBe('打***找王经理');
    expect(scrub('卡号6222 0212 3456 7890 123')).toBe('卡号***');
    expect(scrub('卡号6222021234567890123')).toBe('卡号***');
    expect(scrub('邮箱 zhangsan@example.com')).toBe('邮箱 ***');
  });

  it('takes out rooms, not buildings', () => {
    expect(scrub('3栋2单元301室门口堆放杂物')).toBe('3栋2单元***室门口堆放杂物');
    expect(scrub('5栋2单元301漏水')).toBe('5栋2单元***漏水');
    expect(scrub('5-2-301住户')).toBe('***住户');
    expect(scrub('502号房')).toBe('***号房');
    expect(scrub('三单元楼道堆放杂物，堵塞消防通道')).toBe('三单元楼道堆放杂物，堵塞消防通道');
    expect(scrub('3室1厅，涉及12户')).toBe('3室1厅，涉及12户');
  });

  it('takes out the names it is given, wherever they stand', () => {
    expect(scrub('张三家漏水', ['张三'])).toBe('***家漏水');
    expect(scrub('张三和李四丰因停车争吵，张三报警', ['张三', '李四丰', null, '', '王'])).toBe(
      '***和***因停车争吵，***报警',
    );
    expect(scrub('王大爷说', ['王'])).toBe('王大爷说'); // one character: not looked for
    expect(scrub('Li Lei called', ['li lei'])).toBe('*** called');
    expect(scrub('a.b(c)', ['a.b(c)'])).toBe('***');
  });

  it('leaves what is no identifier', () => {
    for (const s of [
      '2026-11-23 上午 9:30 发现',
      '2026年11月23日',
      '坐标 28.8031234, 113.0795123',
      '见案件 SJ202611230000123',
      '金额 3500 元，涉及 120 人',
      '人民路 1 号',
      '',
    ])
      expect(scrub(s)).toBe(s);
    expect(scrub(null)).toBeNull();
  });
});
