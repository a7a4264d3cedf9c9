/**
 * `<Ledger>` — the one ledger (台账) page body every list uses: toolbar, filters, table, cards.
 *
 * State lives in the URL (`useLedgerParams()`: page, pageSize, sort and the page's own filters),
 * so a view is a link. The page reads its filters from `params.sp`, builds its query and passes the
 * TanStack query result in; the ledger draws the rest. Props:
 *
 * - `id` — the storage key of the personal settings (hidden columns, density, saved filters),
 *   kept per user in localStorage (`storage.ts`).
 * - `title` — the ledger's name: print header, export confirm.
 * - `params` — `useLedgerParams()` of the page.
 * - `query` — `{data: {items, total, capped?}, isPending, isFetching, error, refetch}`.
 * - `columns: LedgerColumn[]` — `key`, `title` (text: column settings, cards, print), `render`
 *   (screen cell), `text` (print/card text; default `row[key]`), `sort` (the server's sort field:
 *   the column sorts through `?sort=`), `width`, `ellipsis`, `hidden` (hidden until shown),
 *   `noPrint`. The first column is fixed on the left; the table scrolls inside itself.
 * - `rowKey`, `onOpen(row)` (row click / card tap), `rowClassName`, `emptyText`.
 * - `filters` — the filter controls (keyed elements): inline on desktop, in a bottom drawer on
 *   phones; `activeFilters` (count), `onReset`; `search` — the search box (`{value, onChange,
 *   placeholder}`); `tags` — removable tags of filters without a control (dashboard drills).
 * - `saveFilters` (default true) — save the current URL query under a name, apply, delete.
 * - `exportTo` — `{path, body, fileName}`: POSTs the same filters/sort to the server's export (.xlsx:
 *   masked, watermarked, audited there) and hands the file to the browser.
 * - `print` — true, or `{area, fetchAll, landscape}`: a print view of the ledger as a table with the
 *   area's header (name, title, date, printed by); `fetchAll(pageSize, page)` loads more than the
 *   page shown (up to PRINT_CAP rows).
 * - `importSlot`, `extra` — buttons the page adds to the toolbar (import, report …).
 * - `batch(rows, clear)` — row selection with batch actions (only when given).
 * - `card` — the phone layout (≤ 767 px): `{title(row), fields: column keys, extra(row)}`, or
 *   `renderCard(row)` for a page's own card. A phone column shows `<PhoneLink>` (tap-to-call when
 *   the number is revealed).
 * - `rowTestId`, `filtersTestId`, `testId` — test ids (rows/cards, the phone's filter button, the table).
 * - `totalRow` — a sum row shown (and printed) after the rows, outside sorting.
 * - `paged: false` — all rows are in `query.data` (a statistics table): sorting and paging happen
 *   here, by the columns' `value(row)`.
 */
import {
  ColumnHeightOutlined,
  DownloadOutlined,
  FilterOutlined,
  PrinterOutlined,
  SaveOutlined,
  SettingOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Checkbox,
  Drawer,
  Dropdown,
  Empty,
  Input,
  Pagination,
  Popover,
  Skeleton,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { type ReactElement, type ReactNode, useMemo, useState } from 'react';
import { download, type Query } from '../api.js';
import { useMe } from '../auth.js';
import { useT } from '../i18n.js';
import { ErrorState, useIsMobile, useNotify } from '../ui.js';
import { PrintView } from './PrintView.js';
import type { LedgerParams } from './params.js';
import { type Density, type LedgerPrefs, readPrefs, type SavedFilter, writePrefs } from './storage.js';
import './ledger.css';

export { PrintHeader, PrintSignatures, PrintView } from './PrintView.js';
export { useLedgerParams } from './params.js';

/** At most this many rows in a printed ledger (the rest: export to Excel). */
export const PRINT_CAP = 500;

export interface LedgerColumn<T> {
  key: string;
  title: string;
  render?: (row: T) => ReactNode;
  /** Plain text for print and cards (default: the row's `key` field). */
  text?: (row: T) => string;
  /** The server's sort field (`?sort=field` / `-field`); makes the column sortable. */
  sort?: string;
  /** With `paged: false`: the value sorted by (default: the row's `key` field). */
  value?: (row: T) => string | number | null;
  /** With `ellipsis`: the widest the cell gets before its text is cut (default 240 px). */
  width?: number;
  ellipsis?: boolean;
  align?: 'left' | 'right' | 'center';
  /** Hidden until the user shows it in the column settings. */
  hidden?: boolean;
  /** Left out of the printed ledger (actions, links). */
  noPrint?: boolean;
}

export interface LedgerData<T> {
  items: T[];
  total: number;
  /** The server stopped counting here: the total is at least this. */
  capped?: number;
  /** false: `total` is the server's estimate (platform/db/count.ts), shown as "约 63,000 条". */
  totalExact?: boolean;
}

export interface LedgerProps<T> {
  id: string;
  title: string;
  params: LedgerParams;
  query: {
    data: LedgerData<T> | undefined;
    isPending: boolean;
    isFetching?: boolean;
    error: unknown;
    refetch: () => unknown;
  };
  columns: LedgerColumn<T>[];
  rowKey: (row: T) => string | number;
  onOpen?: (row: T) => void;
  rowClassName?: (row: T) => string;
  emptyText?: ReactNode;
  search?: { value: string; onChange: (v: string) => void; placeholder: string; testId?: string };
  filters?: ReactElement[];
  activeFilters?: number;
  onReset?: () => void;
  tags?: ReactNode;
  saveFilters?: boolean;
  exportTo?: { path: string; body: Query; fileName: string } | null;
  print?:
    | boolean
    | {
        area?: string;
        landscape?: boolean;
        fetchAll?: (pageSize: number, page: number) => Promise<LedgerData<T>>;
      };
  importSlot?: ReactNode;
  extra?: ReactNode;
  batch?: (rows: T[], clear: () => void) => ReactNode;
  card?: { title: (row: T) => ReactNode; fields: string[]; extra?: (row: T) => ReactNode };
  renderCard?: (row: T) => ReactNode;
  paged?: boolean;
  /** A total row after the rows (statistics), bold, not sorted, printed too. */
  totalRow?: T | null;
  testId?: string;
  /** The test id of a row or card (default `ledger-row-<key>`). */
  rowTestId?: (row: T) => string;
  /** The test id of the phone's filter button (default `ledger-filters`). */
  filtersTestId?: string;
}

function plain<T>(c: LedgerColumn<T>, row: T): string {
  if (c.text) return c.text(row);
  const v = (row as Record<string, unknown>)[c.key];
  return v === null || v === undefined ? '' : String(v);
}

/** A phone number: a tap-to-call link when revealed (no masking stars), else the text. */
export function PhoneLink({ phone }: { phone: string | null | undefined }) {
  if (!phone) return <>—</>;
  if (/^\+?[\d\s-]{5,20}$/.test(phone))
    return (
      <a href={`tel:${phone.replace(/[\s-]/g, '')}`} onClick={(e) => e.stopPropagation()} className="jy-mono">
        {phone}
      </a>
    );
  return <span className="jy-mono">{phone}</span>;
}

export function Ledger<T>(props: LedgerProps<T>) {
  const t = useT();
  const mobile = useIsMobile();
  const me = useMe().data;
  const { modal } = App.useApp();
  const { ok, fail } = useNotify();
  const { params, query, columns } = props;
  const userId = me?.user.id;
  const [prefs, setPrefsState] = useState<LedgerPrefs>(() => readPrefs(userId, props.id));
  const [prefsOf, setPrefsOf] = useState(userId);
  if (prefsOf !== userId) {
    // the user was read after the first render: load their settings
    setPrefsOf(userId);
    setPrefsState(readPrefs(userId, props.id));
  }
  const setPrefs = (p: LedgerPrefs) => {
    setPrefsState(p);
    writePrefs(userId, props.id, p);
  };
  const hidden = new Set(prefs.hidden ?? columns.filter((c) => c.hidden).map((c) => c.key));
  const shown = columns.filter((c) => !hidden.has(c.key));
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [selected, setSelected] = useState<(string | number)[]>([]);
  const [printing, setPrinting] = useState<{ rows: T[]; total: number } | null>(null);
  const [exporting, setExporting] = useState(false);
  const paged = props.paged !== false;

  const data = query.data;
  const allRows = data?.items ?? [];
  const sortKey = params.sort?.replace(/^-/, '');
  const desc = params.sort?.startsWith('-') ?? false;
  // A table without server paging sorts and pages here.
  const rows = useMemo(() => {
    if (paged) return allRows;
    let r = allRows;
    const col = columns.find((c) => (c.sort ?? c.key) === sortKey);
    if (col) {
      const val = (x: T) =>
        col.value ? col.value(x) : ((x as Record<string, unknown>)[col.key] as string | number);
      r = [...r].sort((a, b) => {
        const va = val(a);
        const vb = val(b);
        const cmp =
          typeof va === 'number' && typeof vb === 'number'
            ? va - vb
            : String(va ?? '').localeCompare(String(vb ?? ''), 'zh-CN');
        return desc ? -cmp : cmp;
      });
    }
    return r;
  }, [paged, allRows, columns, sortKey, desc]);
  const total = paged ? (data?.total ?? 0) : rows.length;
  const capped = data?.capped ?? 0;
  const pageRows = paged
    ? rows
    : rows.slice((params.page - 1) * params.pageSize, params.page * params.pageSize);
  const tableRows = props.totalRow && pageRows.length > 1 ? [...pageRows, props.totalRow] : pageRows;
  const totalText =
    capped > 0
      ? t('ledger.totalAtLeast', { n: capped })
      : data?.totalExact === false
        ? t('sheets.totalEstimated', { n: total.toLocaleString('en-US') })
        : t('common.total', { n: total });

  const selectedRows = allRows.filter((r) => selected.includes(props.rowKey(r)));
  const clear = () => setSelected([]);

  const doExport = () => {
    const ex = props.exportTo;
    if (!ex) return;
    modal.confirm({
      title: t('ledger.exportConfirm', { title: props.title }),
      content: t('ledger.exportHint'),
      okText: t('ledger.export'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        setExporting(true);
        try {
          const body: Query = { ...ex.body };
          // The server sorts what a column declares (`sort`); a table sorted here sends none.
          if (paged && params.sort && columns.some((c) => c.sort === sortKey)) body.sort = params.sort;
          const name = await download(ex.path, body, ex.fileName);
          ok(t('ledger.exported', { name }));
        } catch (e) {
          fail(e);
        } finally {
          setExporting(false);
        }
      },
    });
  };

  const printOpts = typeof props.print === 'object' ? props.print : {};
  const doPrint = async () => {
    if (!paged || !printOpts.fetchAll || total <= pageRows.length) {
      const all = paged ? pageRows : rows;
      setPrinting({ rows: props.totalRow && all.length > 1 ? [...all, props.totalRow] : all, total });
      return;
    }
    try {
      const out: T[] = [];
      for (let p = 1; out.length < Math.min(total, PRINT_CAP); p++) {
        const r = await printOpts.fetchAll(100, p);
        out.push(...r.items);
        if (r.items.length < 100) break;
      }
      setPrinting({ rows: out.slice(0, PRINT_CAP), total });
    } catch (e) {
      fail(e);
    }
  };

  const saveFilter = () => {
    let name = '';
    const q = new URLSearchParams(params.sp);
    q.delete('page');
    modal.confirm({
      title: t('ledger.saveFilterTitle'),
      icon: null,
      content: (
        <Input
          autoFocus
          maxLength={30}
          placeholder={t('ledger.saveFilterName')}
          onChange={(e) => {
            name = e.target.value;
          }}
          data-testid="ledger-filter-name"
        />
      ),
      okText: t('common.save'),
      cancelText: t('common.cancel'),
      onOk: () => {
        const n = name.trim() || t('ledger.filterDefaultName', { n: prefs.filters.length + 1 });
        const filters = [...prefs.filters.filter((f) => f.name !== n), { name: n, query: q.toString() }];
        setPrefs({ ...prefs, filters });
        ok(t('ledger.filterSaved', { name: n }));
      },
    });
  };
  const applyFilter = (f: SavedFilter) => params.replace(f.query);
  const removeFilter = (f: SavedFilter) =>
    setPrefs({ ...prefs, filters: prefs.filters.filter((x) => x.name !== f.name) });

  const columnSettings = (
    <div className="jy-ledger-cols" data-testid="ledger-columns">
      {columns.map((c, i) => (
        <Checkbox
          key={c.key}
          checked={!hidden.has(c.key)}
          disabled={i === 0}
          onChange={(e) => {
            const next = new Set(hidden);
            if (e.target.checked) next.delete(c.key);
            else next.add(c.key);
            setPrefs({ ...prefs, hidden: [...next] });
          }}
        >
          {c.title}
        </Checkbox>
      ))}
      <Button size="small" type="link" onClick={() => setPrefs({ ...prefs, hidden: null })}>
        {t('common.reset')}
      </Button>
    </div>
  );

  const savedMenu =
    props.saveFilters === false
      ? null
      : {
          items: [
            { key: '__save', icon: <SaveOutlined />, label: t('ledger.saveFilter') },
            ...(prefs.filters.length ? [{ type: 'divider' as const }] : []),
            ...prefs.filters.map((f) => ({
              key: f.name,
              label: (
                <span className="jy-ledger-saved">
                  <span>{f.name}</span>
                  <Typography.Link
                    type="danger"
                    onClick={(e) => {
                      e.stopPropagation();
                      removeFilter(f);
                    }}
                  >
                    {t('common.delete')}
                  </Typography.Link>
                </span>
              ),
            })),
          ],
          onClick: ({ key }: { key: string }) => {
            if (key === '__save') saveFilter();
            else {
              const f = prefs.filters.find((x) => x.name === key);
              if (f) applyFilter(f);
            }
          },
        };

  const tools = (
    <Space
      wrap
      size={6}
      className="jy-ledger-tools"
      style={mobile ? { flex: 'none', marginBottom: 0 } : undefined}
    >
      {props.extra}
      {props.importSlot}
      {props.exportTo ? (
        <Button
          icon={<DownloadOutlined />}
          loading={exporting}
          onClick={doExport}
          aria-label={t('ledger.export')}
          data-testid="ledger-export"
        >
          {mobile ? null : t('ledger.export')}
        </Button>
      ) : null}
      {props.print && !mobile ? (
        <Button icon={<PrinterOutlined />} onClick={() => void doPrint()} data-testid="ledger-print">
          {t('ledger.print')}
        </Button>
      ) : null}
      {savedMenu ? (
        <Dropdown trigger={['click']} menu={savedMenu}>
          <Button
            icon={<SaveOutlined />}
            aria-label={t('ledger.savedFilters')}
            title={t('ledger.savedFilters')}
            data-testid="ledger-saved-filters"
          >
            {mobile ? null : t('ledger.savedFilters')}
          </Button>
        </Dropdown>
      ) : null}
      {!mobile ? (
        <>
          <Dropdown
            trigger={['click']}
            menu={{
              selectable: true,
              selectedKeys: [prefs.density],
              items: (['large', 'middle', 'small'] as Density[]).map((d) => ({
                key: d,
                label: t(`ledger.density.${d}`),
              })),
              onClick: ({ key }) => setPrefs({ ...prefs, density: key as Density }),
            }}
          >
            <Button
              icon={<ColumnHeightOutlined />}
              aria-label={t('ledger.densityTitle')}
              title={t('ledger.densityTitle')}
              data-testid="ledger-density"
            />
          </Dropdown>
          <Popover
            trigger="click"
            placement="bottomRight"
            title={t('ledger.columns')}
            content={columnSettings}
          >
            <Button
              icon={<SettingOutlined />}
              aria-label={t('ledger.columns')}
              title={t('ledger.columns')}
              data-testid="ledger-columns-btn"
            />
          </Popover>
        </>
      ) : null}
    </Space>
  );

  const filterBar = (
    <div className="jy-filter-bar jy-ledger-filters">
      {props.search ? (
        <Input.Search
          allowClear
          placeholder={props.search.placeholder}
          value={props.search.value}
          onChange={(e) => props.search?.onChange(e.target.value)}
          style={{ width: mobile ? undefined : 260, flex: mobile ? '1 1 0' : undefined }}
          data-testid={props.search.testId}
        />
      ) : null}
      {mobile && props.filters?.length ? (
        <Button
          icon={<FilterOutlined />}
          type={props.activeFilters ? 'primary' : 'default'}
          ghost={!!props.activeFilters}
          onClick={() => setFiltersOpen(true)}
          style={{ flex: 'none', minWidth: 0 }}
          data-testid={props.filtersTestId ?? 'ledger-filters'}
        >
          {props.activeFilters ? t('people.filtersOn', { n: props.activeFilters }) : t('people.filters')}
        </Button>
      ) : (
        props.filters?.map((c) => (
          // A control's own width (style.width) sizes its cell; others (area pickers) get 200 px.
          <div
            key={c.key}
            className="jy-ledger-filter"
            style={{ width: (c.props as { style?: { width?: number | string } }).style?.width ?? 200 }}
          >
            {c}
          </div>
        ))
      )}
      {mobile ? tools : null}
    </div>
  );

  const sortOrder = (c: LedgerColumn<T>) =>
    (c.sort ?? c.key) === sortKey ? (desc ? ('descend' as const) : ('ascend' as const)) : null;
  const tableColumns: TableColumnsType<T> = shown.map((c, i) => ({
    key: c.key,
    title: c.title,
    align: c.align,
    fixed: i === 0 ? ('left' as const) : undefined,
    sorter: c.sort || (!paged && c.value) ? true : undefined,
    sortOrder: c.sort || (!paged && c.value) ? sortOrder(c) : undefined,
    sortDirections: ['ascend', 'descend'],
    render: (_: unknown, row: T) => {
      const v = c.render ? c.render(row) : plain(c, row) || '—';
      return c.ellipsis ? (
        <Tooltip placement="topLeft" title={plain(c, row) || undefined}>
          <span className="jy-ledger-ellipsis" style={{ maxWidth: c.width ?? 240 }}>
            {v}
          </span>
        </Tooltip>
      ) : (
        v
      );
    },
  }));

  const empty = (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={props.emptyText ?? t('ledger.empty')} />
  );

  let body: ReactNode;
  if (query.error && !data) {
    body = <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  } else if (mobile) {
    const byKey = new Map(columns.map((c) => [c.key, c]));
    body = (
      <div data-testid={props.testId}>
        {query.isPending ? (
          <Skeleton active paragraph={{ rows: 6 }} />
        ) : pageRows.length === 0 ? (
          empty
        ) : (
          <div className="jy-ledger-cards" style={{ opacity: query.isFetching ? 0.6 : 1 }}>
            {pageRows.map((r) =>
              props.renderCard ? (
                <div key={props.rowKey(r)}>{props.renderCard(r)}</div>
              ) : (
                <LedgerCard
                  key={props.rowKey(r)}
                  row={r}
                  card={props.card}
                  columns={
                    props.card
                      ? props.card.fields.map((k) => byKey.get(k)).filter((c): c is LedgerColumn<T> => !!c)
                      : columns.slice(1, 5)
                  }
                  first={columns[0]}
                  onOpen={props.onOpen}
                  testId={props.rowTestId ? props.rowTestId(r) : `ledger-card-${props.rowKey(r)}`}
                />
              ),
            )}
          </div>
        )}
        {total > params.pageSize ? (
          <Pagination
            simple
            size="small"
            current={params.page}
            pageSize={params.pageSize}
            total={capped || total}
            onChange={(p) => params.update({ page: p > 1 ? p : undefined })}
            style={{ marginTop: 12, justifyContent: 'center' }}
          />
        ) : null}
        {total > 0 ? (
          <Typography.Text type="secondary" style={{ display: 'block', textAlign: 'center', marginTop: 8 }}>
            {totalText}
          </Typography.Text>
        ) : null}
      </div>
    );
  } else {
    body = (
      <Table<T>
        rowKey={(r) => props.rowKey(r)}
        size={prefs.density}
        tableLayout="auto"
        loading={query.isPending || query.isFetching}
        dataSource={tableRows}
        columns={tableColumns}
        scroll={{ x: 'max-content' }}
        className="jy-ledger-table"
        data-testid={props.testId}
        rowClassName={(r) => (r === props.totalRow ? 'jy-ledger-total' : (props.rowClassName?.(r) ?? ''))}
        rowSelection={
          props.batch
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys as (string | number)[]),
                fixed: true,
              }
            : undefined
        }
        onRow={(r) => ({
          // A click beside a row's checkbox selects nothing and must not open the row either.
          onClick: props.onOpen
            ? (e) => {
                if (!(e.target as HTMLElement).closest('.ant-table-selection-column')) props.onOpen?.(r);
              }
            : undefined,
          style: props.onOpen ? { cursor: 'pointer' } : undefined,
          'data-testid': props.rowTestId ? props.rowTestId(r) : `ledger-row-${props.rowKey(r)}`,
        })}
        locale={{ emptyText: empty }}
        onChange={(_p, _f, sorter, extra) => {
          if (extra.action !== 'sort') return;
          const s = Array.isArray(sorter) ? sorter[0] : sorter;
          const col = columns.find((c) => c.key === s?.columnKey);
          const field = col ? (col.sort ?? col.key) : undefined;
          params.update({
            sort: s?.order && field ? (s.order === 'descend' ? `-${field}` : field) : undefined,
          });
        }}
        pagination={{
          current: params.page,
          pageSize: params.pageSize,
          total: capped || total,
          showSizeChanger: true,
          pageSizeOptions: [10, 20, 50, 100],
          showTotal: () => totalText,
          onChange: (p, s) =>
            params.update({
              page: p > 1 && s === params.pageSize ? p : undefined,
              pageSize: s !== params.defaultPageSize ? s : undefined,
            }),
        }}
      />
    );
  }

  return (
    <div className="jy-ledger">
      <div className="jy-ledger-head">
        {filterBar}
        {mobile ? null : tools}
      </div>
      {props.tags ? <div className="jy-filter-tags jy-ledger-tags">{props.tags}</div> : null}
      {props.batch && selectedRows.length > 0 && !mobile ? (
        <div className="jy-ledger-batch" data-testid="ledger-batch">
          <span>{t('ledger.selected', { n: selectedRows.length })}</span>
          {props.batch(selectedRows, clear)}
          <Button type="link" size="small" onClick={clear}>
            {t('ledger.clearSelection')}
          </Button>
        </div>
      ) : null}
      {body}
      {mobile && props.filters?.length ? (
        <Drawer
          placement="bottom"
          open={filtersOpen}
          onClose={() => setFiltersOpen(false)}
          title={t('people.filters')}
          size="auto"
          styles={{ body: { display: 'flex', flexDirection: 'column', gap: 12 } }}
          extra={
            props.onReset ? (
              <Button type="link" onClick={props.onReset}>
                {t('common.reset')}
              </Button>
            ) : undefined
          }
          footer={
            <Button type="primary" block onClick={() => setFiltersOpen(false)}>
              {t('people.showResults', { n: total })}
            </Button>
          }
        >
          {props.filters.map((c) => (
            <div key={c.key}>{c}</div>
          ))}
        </Drawer>
      ) : null}
      {printing ? (
        <PrintView
          title={props.title}
          area={printOpts.area}
          landscape={printOpts.landscape ?? shown.length > 6}
          onClose={() => setPrinting(null)}
          meta={
            printing.rows.length < printing.total
              ? t('ledger.printedPart', { n: printing.rows.length, total: printing.total })
              : t('common.total', { n: printing.total })
          }
          testId="ledger-print-view"
        >
          <table className="jy-print-table">
            <thead>
              <tr>
                <th>{t('ledger.rowNo')}</th>
                {shown
                  .filter((c) => !c.noPrint)
                  .map((c) => (
                    <th key={c.key}>{c.title}</th>
                  ))}
              </tr>
            </thead>
            <tbody>
              {printing.rows.map((r, i) => (
                <tr key={props.rowKey(r)} className={r === props.totalRow ? 'jy-print-total' : undefined}>
                  <td>{r === props.totalRow ? '' : i + 1}</td>
                  {shown
                    .filter((c) => !c.noPrint)
                    .map((c) => (
                      <td key={c.key}>{plain(c, r)}</td>
                    ))}
                </tr>
              ))}
            </tbody>
          </table>
        </PrintView>
      ) : null}
    </div>
  );
}

function LedgerCard<T>({
  row,
  card,
  columns,
  first,
  onOpen,
  testId,
}: {
  row: T;
  card?: { title: (row: T) => ReactNode; fields: string[]; extra?: (row: T) => ReactNode };
  columns: LedgerColumn<T>[];
  first: LedgerColumn<T> | undefined;
  onOpen?: (row: T) => void;
  testId: string;
}) {
  const title = card ? card.title(row) : first ? (first.render?.(row) ?? plain(first, row)) : null;
  const inner = (
    <>
      <div className="jy-ledger-card-title">
        <span>{title}</span>
        {card?.extra ? <span className="jy-ledger-card-extra">{card.extra(row)}</span> : null}
      </div>
      <dl className="jy-ledger-card-fields">
        {columns.map((c) => (
          <div key={c.key}>
            <dt>{c.title}</dt>
            <dd>{c.render ? c.render(row) : plain(c, row) || '—'}</dd>
          </div>
        ))}
      </dl>
    </>
  );
  // A div with role=button (not a <button>): a card may hold links (tap-to-call).
  return onOpen ? (
    // biome-ignore lint/a11y/useSemanticElements: a card holding links cannot be a <button>
    <div
      role="button"
      tabIndex={0}
      className="jy-ledger-card"
      onClick={() => onOpen(row)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onOpen(row);
      }}
      data-testid={testId}
    >
      {inner}
    </div>
  ) : (
    <div className="jy-ledger-card" data-testid={testId}>
      {inner}
    </div>
  );
}

/** A removable tag of a filter without a control of its own (the ledger's `tags`). */
export function FilterTag({
  label,
  onClear,
  testId,
}: {
  label: ReactNode;
  onClear: () => void;
  testId?: string;
}) {
  return (
    <Tag
      closable
      color="blue"
      onClose={(e) => {
        e.preventDefault();
        onClear();
      }}
      data-testid={testId}
      style={{ marginBottom: 4 }}
    >
      {label}
    </Tag>
  );
}
