import { pinyin } from 'pinyin-pro';

/**
 * Search keys stored with each name: full pinyin without tones or spaces ("zhangwei") and
 * initials ("zw"). Surnames read as surnames (单 shan, 曾 zeng, 解 xie): `surname: 'head'`.
 * Non-Chinese characters pass through lower-cased.
 */
export function nameKeys(name: string): { pinyin: string; initials: string } {
  const syllables = pinyin(name, {
    toneType: 'none',
    type: 'array',
    surname: 'head',
    nonZh: 'consecutive',
    v: true,
  });
  const parts = syllables.map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, '')).filter(Boolean);
  return { pinyin: parts.join(''), initials: parts.map((p) => p[0]).join('') };
}
