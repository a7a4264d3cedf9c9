import { describe, expect, it } from 'vitest';
import { cleanChars, cleanInput } from './text.js';

describe('cleanInput: the one clean-up of incoming text', () => {
  it('removes bidi controls, zero-width and control characters; keeps tabs and line breaks', () => {
    expect(cleanInput('张\u202E三\u200B')).toBe('张三');
    expect(cleanInput('\ufeff a\u2066b\u2069c\u200e\u200f\u061c\u2060\u200c\u200d ')).toBe('abc');
    expect(cleanInput('a\u0001b\u007fc\u0085d\u0000e')).toBe('abcde');
    expect(cleanInput('第一行\r\n第二行\r第三行\u2028\t缩进')).toBe('第一行\n第二行\n第三行\n\t缩进');
  });

  it('composes (NFC) and leaves every visible character as typed', () => {
    expect(cleanInput('e\u0301')).toBe('é');
    expect(cleanInput('e\u200b\u0301')).toBe('é');
    const visible = '（全角）ＡＢＣ　😀 مرحبا 汉字 =cmd';
    expect(cleanInput(visible)).toBe(visible);
    expect(cleanChars('  a  ')).toBe('  a  ');
  });
});
