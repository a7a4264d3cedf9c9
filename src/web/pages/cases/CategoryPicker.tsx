import {
  ArrowLeftOutlined,
  CheckOutlined,
  DownOutlined,
  RightOutlined,
  SearchOutlined,
} from '@ant-design/icons';
import { Button, Cascader, Drawer, Input } from 'antd';
import { useMemo, useState } from 'react';
import { useT } from '../../app/i18n.js';
import { emptyText, useIsMobile } from '../../app/ui.js';
import type { CascaderOption } from './shared.js';

/** A leaf with the path to it (group, leaf — or the leaf alone when it stands for its group). */
interface Leaf {
  path: string[];
  label: string;
  group: string | null;
}

function leavesOf(options: CascaderOption[]): Leaf[] {
  return options.flatMap((g): Leaf[] =>
    g.children?.length
      ? g.children.map((k) => ({ path: [g.value, k.value], label: k.label, group: g.label }))
      : [{ path: [g.value], label: g.label, group: null }],
  );
}

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, '');

/**
 * The case category: on a phone, a full-width field that opens a full-screen list — the groups, then
 * a group's categories, in rows a thumb can hit — with a search over every category (a group's name
 * finds its categories too). On a desk, the cascader. The value is the cascader's path either way.
 */
export function CategoryPicker({
  value,
  onChange,
  options,
  placeholder,
  title,
  'data-testid': testId,
}: {
  value?: string[];
  onChange?: (v: string[] | undefined) => void;
  options: CascaderOption[];
  placeholder: string;
  /** The sheet's title (the field's label). */
  title: string;
  'data-testid'?: string;
}) {
  const t = useT();
  const mobile = useIsMobile();
  const [open, setOpen] = useState(false);
  const [group, setGroup] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const leaves = useMemo(() => leavesOf(options), [options]);

  if (!mobile) {
    return (
      <Cascader
        options={options}
        value={value}
        onChange={(v) => onChange?.((v as string[] | undefined)?.length ? (v as string[]) : undefined)}
        placeholder={placeholder}
        showSearch
        expandTrigger="hover"
        data-testid={testId}
        style={{ width: '100%' }}
      />
    );
  }

  const chosen = value?.length ? leaves.find((l) => l.path.join('/') === value.join('/')) : undefined;
  const close = () => {
    setOpen(false);
    setSearch('');
    setGroup(null);
  };
  const pick = (l: Leaf) => {
    onChange?.(l.path);
    close();
  };
  const q = norm(search);
  const found = q
    ? leaves.filter((l) => norm(l.label).includes(q) || (l.group !== null && norm(l.group).includes(q)))
    : [];
  const inGroup = group ? options.find((g) => g.value === group) : undefined;
  const isChosen = (l: Leaf) => !!value && l.path.join('/') === value.join('/');

  const row = (l: Leaf, withGroup: boolean) => (
    <button
      type="button"
      key={l.path.join('/')}
      className={`jy-pick-row${isChosen(l) ? ' selected' : ''}`}
      onClick={() => pick(l)}
      data-testid="category-option"
    >
      <span className="jy-pick-main" style={{ justifyContent: 'space-between' }}>
        <span className="jy-pick-name">{l.label}</span>
        {isChosen(l) ? <CheckOutlined /> : null}
      </span>
      {withGroup && l.group ? <span className="jy-pick-sub">{l.group}</span> : null}
    </button>
  );

  return (
    <>
      <button
        type="button"
        className={`jy-picker-field${chosen ? '' : ' empty'}`}
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
        data-testid={testId}
      >
        <span className="jy-picker-value">
          {chosen ? (chosen.group ? `${chosen.group} / ${chosen.label}` : chosen.label) : placeholder}
        </span>
        <DownOutlined />
      </button>
      <Drawer
        open={open}
        onClose={close}
        placement="bottom"
        size="100%"
        title={
          inGroup && !q ? (
            <span style={{ display: 'flex', alignItems: 'center', gap: 4 }}>
              <Button
                type="text"
                icon={<ArrowLeftOutlined />}
                onClick={() => setGroup(null)}
                aria-label={t('common.back')}
                data-testid="category-back"
              />
              {inGroup.label}
            </span>
          ) : (
            title
          )
        }
        styles={{ body: { padding: 12 } }}
        data-testid="category-picker"
      >
        <Input
          allowClear
          size="large"
          prefix={<SearchOutlined />}
          placeholder={t('phone.categorySearch')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ marginBottom: 12 }}
          data-testid="category-search"
        />
        {q ? (
          found.length > 0 ? (
            <div className="jy-pick-list">{found.map((l) => row(l, true))}</div>
          ) : (
            emptyText(t('phone.categoryNone', { q: search.trim() }))
          )
        ) : inGroup?.children ? (
          <div className="jy-pick-list">
            {inGroup.children.map((k) =>
              row({ path: [inGroup.value, k.value], label: k.label, group: inGroup.label }, false),
            )}
          </div>
        ) : (
          <div className="jy-pick-list">
            {options.map((g) =>
              g.children?.length ? (
                <button
                  type="button"
                  key={g.value}
                  className={`jy-pick-row${value?.[0] === g.value ? ' selected' : ''}`}
                  onClick={() => setGroup(g.value)}
                  data-testid="category-option"
                >
                  <span className="jy-pick-main" style={{ justifyContent: 'space-between' }}>
                    <span className="jy-pick-name">{g.label}</span>
                    <span className="jy-pick-meta">
                      {t('phone.categoryCount', { n: g.children.length })} <RightOutlined />
                    </span>
                  </span>
                </button>
              ) : (
                row({ path: [g.value], label: g.label, group: null }, false)
              ),
            )}
          </div>
        )}
      </Drawer>
    </>
  );
}
