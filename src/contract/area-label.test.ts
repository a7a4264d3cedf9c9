import { describe, expect, it } from 'vitest';
import { areaLabel } from './areas.js';

const chain = (...nodes: [string, string][]) => nodes.map(([kind, name]) => ({ kind, name }));
const top: [string, string][] = [
  ['district', '汨罗市'],
  ['street', '城关街道'],
  ['community', '友谊河社区'],
];

describe('area labels in lists and pickers', () => {
  it('shows a grid after its community: every community has a 第一网格', () => {
    expect(areaLabel(chain(...top, ['grid', '第一网格']))).toBe('友谊河社区 / 第一网格');
    expect(areaLabel(chain(...top, ['grid', '第一网格'], ['group', '一组']))).toBe('友谊河社区 / 一组');
  });

  it('shows a building after its compound, not after the grid or community', () => {
    const compound: [string, string][] = [...top, ['grid', '第一网格'], ['compound', '金盆小区']];
    expect(areaLabel(chain(...compound, ['building', '1栋']))).toBe('金盆小区 / 1栋');
    expect(areaLabel(chain(...compound, ['building', '1栋'], ['unit', '2单元']))).toBe(
      '金盆小区 / 1栋 / 2单元',
    );
    expect(areaLabel(chain(...compound, ['building', '1栋'], ['unit', '2单元'], ['house', '301']))).toBe(
      '金盆小区 / 1栋 / 2单元 / 301',
    );
  });

  it('names a community, street or compound alone', () => {
    expect(areaLabel(chain(...top))).toBe('友谊河社区');
    expect(areaLabel(chain(top[0]!, top[1]!))).toBe('城关街道');
    expect(areaLabel(chain(...top, ['grid', '第一网格'], ['compound', '金盆小区']))).toBe('金盆小区');
  });

  it('shows what it has when the ancestors are outside the reader’s scope', () => {
    expect(areaLabel(chain(['grid', '第一网格']))).toBe('第一网格');
    expect(areaLabel(chain(['grid', '第一网格'], ['building', '1栋']))).toBe('1栋');
    expect(areaLabel([])).toBe('');
  });
});
