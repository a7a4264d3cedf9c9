import { describe, expect, it } from 'vitest';
import { pagedRows } from './export.js';

/** A list of `total` items served `size` at a time, recording which pages were asked for. */
function list(total: number, size: number) {
  const asked: number[] = [];
  const page = async (p: number) => {
    asked.push(p);
    const from = (p - 1) * size;
    return Array.from({ length: Math.max(0, Math.min(size, total - from)) }, (_, i) => from + i + 1);
  };
  return { asked, page };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('an export reads its list page by page', () => {
  it('takes every row when the list holds fewer than the cap: 7 rows in pages of 3 → pages 1, 2, 3', async () => {
    const l = list(7, 3);
    expect(await all(pagedRows(100, l.page))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(l.asked).toEqual([1, 2, 3, 4]); // page 4 is empty: the end
  });

  it('stops at the cap, mid-page: 5 of 10 rows in pages of 3 → 1–3 and 4–5, page 3 never asked', async () => {
    const l = list(10, 3);
    expect(await all(pagedRows(5, l.page))).toEqual([1, 2, 3, 4, 5]);
    expect(l.asked).toEqual([1, 2]);
  });
});
