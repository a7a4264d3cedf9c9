import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

export type Patch = Record<string, string | number | undefined | null>;

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/**
 * A ledger's state in the URL, so every view (filters, sort, page) is a link: `page`, `pageSize`,
 * `sort` (`field` or `-field`) and whatever filters the page reads from `sp`. `update(patch)` sets
 * or clears params (undefined, null or '' clears) and goes back to page 1 unless the patch sets it.
 */
export function useLedgerParams(defaultPageSize = 20) {
  const [sp, setSp] = useSearchParams();
  const page = num(sp.get('page')) ?? 1;
  const pageSize = num(sp.get('pageSize')) ?? defaultPageSize;
  const sortParam = sp.get('sort');
  const sort = sortParam && /^-?[a-zA-Z][a-zA-Z0-9]{0,39}$/.test(sortParam) ? sortParam : undefined;
  const update = useCallback(
    (patch: Patch) =>
      setSp(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch)) {
            if (v === undefined || v === null || v === '') next.delete(k);
            else next.set(k, String(v));
          }
          if (!('page' in patch)) next.delete('page');
          return next;
        },
        { replace: true },
      ),
    [setSp],
  );
  /** Replace every param (a saved filter). */
  const replace = useCallback(
    (query: string) => setSp(new URLSearchParams(query), { replace: true }),
    [setSp],
  );
  return { sp, page, pageSize, sort, update, replace, defaultPageSize };
}

export type LedgerParams = ReturnType<typeof useLedgerParams>;
