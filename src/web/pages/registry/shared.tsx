import { EyeOutlined } from '@ant-design/icons';
import { Button, Form, Input, Radio, Select, Space, Tag, Tooltip, TreeSelect, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { type Code, label as codeLabel, RESIDENCE_TYPES } from '../../../contract/codes.js';
import { TAGS, type TagCode } from '../../../contract/tags.js';
import { api, errorMessage } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { hasMessage, type TFunction, useI18n, useT } from '../../app/i18n.js';
import { kindLabel } from '../../app/labels.js';
import { chinaToday, fmtTime } from '../../app/time.js';
import { useDebounced } from '../../app/ui.js';
import { useAreaNodes } from '../areas/queries.js';
import { type PersonListItem, type ResidenceType, type RevealResult, usePersonSearch } from './queries.js';
import { tagColor } from './tags.js';

type CodeLang = 'zh' | 'en';

export function useCodeLang(): CodeLang {
  return useI18n().lang === 'en' ? 'en' : 'zh';
}

/** A code table's label in the UI language (the code itself when unknown, '—' when empty). */
export function useCodes() {
  const lang = useCodeLang();
  return useMemo(
    () => ({
      lang,
      label: (table: Code[], code: string | null | undefined) => codeLabel(table, code, lang) || '—',
      options: (table: Code[]) => table.map((c) => ({ value: c.code, label: c[lang] })),
      tag: (code: TagCode) => TAGS[code]?.[lang] ?? code,
    }),
    [lang],
  );
}

/** The label of a person field (`person.<field>` in the messages), the key itself when none. */
export function fieldLabel(t: TFunction, field: string): string {
  const key = `person.${field}`;
  return hasMessage(key) ? t(key) : field;
}

export { tagColor };

export function TagChips({ tags, max = 4 }: { tags: TagCode[]; max?: number }) {
  const codes = useCodes();
  if (tags.length === 0) return null;
  const shown = tags.slice(0, max);
  return (
    <Space size={[4, 4]} wrap>
      {shown.map((c) => (
        <Tag key={c} color={tagColor(c)} style={{ marginInlineEnd: 0 }}>
          {codes.tag(c)}
        </Tag>
      ))}
      {tags.length > max ? (
        <Tooltip
          title={tags
            .slice(max)
            .map((c) => codes.tag(c))
            .join('、')}
        >
          <Tag style={{ marginInlineEnd: 0 }}>+{tags.length - max}</Tag>
        </Tooltip>
      ) : null}
    </Space>
  );
}

const RESIDENCE_COLOR: Record<ResidenceType, string> = {
  registered: 'blue',
  resident: 'green',
  floating: 'orange',
};

export function ResidenceTag({ type }: { type: ResidenceType }) {
  const codes = useCodes();
  return (
    <Tag color={RESIDENCE_COLOR[type]} style={{ marginInlineEnd: 0 }}>
      {codes.label(RESIDENCE_TYPES, type)}
    </Tag>
  );
}

export function PersonStatusTag({ status }: { status: 'active' | 'moved_out' | 'deceased' }) {
  const t = useT();
  const color = status === 'active' ? 'success' : 'default';
  return (
    <Tag color={color} style={{ marginInlineEnd: 0 }}>
      {t(`personStatus.${status}`)}
    </Tag>
  );
}

/** A floating person's registration expiry: orange within 30 days, red when past. */
export function ExpiryText({ date }: { date: string | null | undefined }) {
  const t = useT();
  if (!date) return <Typography.Text type="secondary">—</Typography.Text>;
  const days = dayjs(date.slice(0, 10)).diff(chinaToday(), 'day');
  const text = fmtTime(date, 'YYYY-MM-DD');
  if (days < 0) {
    return (
      <Tooltip title={t('people.expiredDays', { n: -days })}>
        <Tag color="error" data-testid="expiry-past">
          {text}
        </Tag>
      </Tooltip>
    );
  }
  if (days <= 30) {
    return (
      <Tooltip title={t('people.expiresInDays', { n: days })}>
        <Tag color="warning" data-testid="expiry-soon">
          {text}
        </Tag>
      </Tooltip>
    );
  }
  return <span>{text}</span>;
}

/**
 * Pick a house (a `house` node of the area tree): the tree loads level by level; only houses can be
 * chosen.
 */
export function HousePicker({
  value,
  onChange,
  valueLabel,
  near = [],
  'data-testid': testId,
}: {
  value?: number | null;
  onChange?: (id: number | null) => void;
  valueLabel?: string;
  /** Area ids to open at first (e.g. the path to the person's current building). */
  near?: number[];
  'data-testid'?: string;
}) {
  const t = useT();
  const { tree, nodes, loadChildren } = useAreaNodes(false, true);
  const nearKey = near.join(',');
  const [opened, setOpened] = useState<number[]>([]);
  // Load the levels along `near` so that the houses next to the current one are one click away.
  // biome-ignore lint/correctness/useExhaustiveDependencies: nearKey stands for near
  useEffect(() => {
    if (!tree.data || near.length === 0) return;
    let stop = false;
    void (async () => {
      const done: number[] = [];
      for (const id of near) {
        try {
          await loadChildren(id);
        } catch {
          break;
        }
        if (stop) return;
        done.push(id);
      }
      setOpened(done);
    })();
    return () => {
      stop = true;
    };
  }, [tree.data, nearKey, loadChildren]);
  const data = useMemo(() => {
    const list = [...nodes.values()].map((n) => ({
      id: n.id,
      pId: n.parentId !== null && nodes.has(n.parentId) ? n.parentId : 0,
      value: n.id,
      title: n.kind === 'house' ? n.name : `${n.name}（${kindLabel(t, n.kind)}）`,
      isLeaf: n.childCount === 0,
      selectable: n.kind === 'house',
    }));
    if (value != null && !nodes.has(value)) {
      list.push({
        id: value,
        pId: 0,
        value,
        title: valueLabel ?? '…',
        isLeaf: true,
        selectable: true,
      });
    }
    return list;
  }, [nodes, value, valueLabel, t]);
  return (
    <TreeSelect
      key={opened.join(',')}
      data-testid={testId}
      treeDefaultExpandedKeys={opened}
      treeDataSimpleMode={{ id: 'id', pId: 'pId', rootPId: 0 }}
      treeData={data}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v === undefined || v === null ? null : Number(v))}
      loadData={async (node) => {
        await loadChildren(Number(node.value));
      }}
      showSearch={{ treeNodeFilterProp: 'title' }}
      allowClear
      loading={tree.isPending}
      placeholder={t('registry.pickHouse')}
      notFoundContent={
        tree.error ? `${t('error.loadFailed')}: ${errorMessage(tree.error)}` : t('common.noData')
      }
      popupMatchSelectWidth={false}
      style={{ width: '100%' }}
      styles={{ popup: { root: { maxHeight: 400, overflow: 'auto', minWidth: 260 } } }}
    />
  );
}

function personOption(p: Pick<PersonListItem, 'id' | 'name' | 'address' | 'age'>) {
  return {
    value: p.id,
    label: p.name,
    title: p.address,
    desc: `${p.name}${p.age !== null && p.age !== undefined ? ` · ${p.age}` : ''}${p.address ? ` · ${p.address}` : ''}`,
  };
}

/** Pick people by searching the registry (name, initials, last digits of the ID number…). */
export function PersonSelect({
  value,
  onChange,
  multiple,
  known = [],
  placeholder,
  'data-testid': testId,
}: {
  value?: number | number[] | null;
  onChange?: (v: number | number[] | null) => void;
  multiple?: boolean;
  /** People to offer before any search (e.g. the residents of the house) and to label values. */
  known?: { id: number; name: string; address?: string; age?: number | null }[];
  placeholder?: string;
  'data-testid'?: string;
}) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const found = usePersonSearch(q, q.length > 0);
  const options = useMemo(() => {
    const map = new Map<number, ReturnType<typeof personOption>>();
    for (const k of known) map.set(k.id, personOption({ address: '', age: null, ...k }));
    for (const p of q ? (found.data?.items ?? []) : []) map.set(p.id, personOption(p));
    return [...map.values()];
  }, [known, found.data, q]);
  return (
    <Select
      data-testid={testId}
      mode={multiple ? 'multiple' : undefined}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value ?? undefined}
      onChange={(v) => onChange?.((v as number | number[] | undefined) ?? null)}
      allowClear
      placeholder={placeholder ?? t('registry.searchPerson')}
      loading={found.isFetching}
      options={options}
      optionRender={(o) => <span>{(o.data as { desc?: string }).desc ?? o.label}</span>}
      notFoundContent={q ? t('common.noData') : t('registry.typeToSearch')}
      style={{ width: '100%' }}
    />
  );
}

const PURPOSES = ['verify', 'visit', 'service'] as const;

/** Ask for the purpose of seeing a clear identifier, then ask the server for it (audited). */
export function RevealModal({
  personId,
  field,
  label,
  onClose,
  onRevealed,
}: {
  personId: number;
  /** 'idNumber', 'phone' or a tag's identifier field ('tag.disability.certNo') */
  field: string | null;
  /** the field's label (default: the person field's) */
  label?: string;
  onClose: () => void;
  onRevealed: (r: RevealResult) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<{ quick?: string; purpose: string }>();
  const { busy, run } = useSubmit(form);
  const submit = async (v: { purpose: string }) => {
    if (!field) return;
    await run(async () => {
      const r = await api.post<RevealResult>(`/api/people/${personId}/reveal`, {
        field,
        purpose: v.purpose.trim(),
      });
      onRevealed(r);
      onClose();
    });
  };
  return (
    <FormModal
      open={field !== null}
      title={field ? t('reveal.title', { field: label ?? fieldLabel(t, field) }) : ''}
      onClose={onClose}
      okText={t('reveal.show')}
      width={420}
      form={form}
      onFinish={submit}
      busy={busy}
      before={<Typography.Paragraph type="secondary">{t('reveal.hint')}</Typography.Paragraph>}
    >
      <Form.Item label={t('reveal.quick')}>
        <Radio.Group
          optionType="button"
          onChange={(e) =>
            form.setFieldsValue({ purpose: t(`reveal.purpose.${e.target.value as 'verify'}`) })
          }
          options={PURPOSES.map((p) => ({ value: p, label: t(`reveal.purpose.${p}`) }))}
          data-testid="reveal-quick"
        />
      </Form.Item>
      <Form.Item
        name="purpose"
        label={t('reveal.purpose')}
        rules={[
          { required: true, whitespace: true, message: t('reveal.purposeRequired') },
          { min: 2, message: t('reveal.purposeRequired') },
          { max: 200, message: t('form.maxLength', { n: 200 }) },
        ]}
      >
        <Input.TextArea rows={2} maxLength={200} showCount data-testid="reveal-purpose" />
      </Form.Item>
    </FormModal>
  );
}

/**
 * A masked identifier with a 查看 button (person.reveal): the clear value shows until the server's
 * `expiresAt`, then the masked one again. Also a tag's identifier field (`tag.<code>.<field>`).
 */
export function MaskedValue({
  personId,
  field,
  masked,
  label,
}: {
  personId: number;
  field: string;
  masked: string | null;
  /** the field's label in the reveal dialog (default: the person field's) */
  label?: string;
}) {
  const t = useT();
  const can = useCan();
  const [asking, setAsking] = useState(false);
  const [clear, setClear] = useState<RevealResult | null>(null);
  const [, tick] = useState(0);

  useEffect(() => {
    if (!clear) return;
    const ms = new Date(clear.expiresAt).getTime() - Date.now();
    if (ms <= 0) {
      setClear(null);
      return;
    }
    const id = setTimeout(() => setClear(null), ms);
    const every = setInterval(() => tick((n) => n + 1), 1000);
    return () => {
      clearTimeout(id);
      clearInterval(every);
    };
  }, [clear]);

  if (!masked) return <Typography.Text type="secondary">—</Typography.Text>;
  const left = clear ? Math.max(0, Math.round((new Date(clear.expiresAt).getTime() - Date.now()) / 1000)) : 0;
  return (
    <Space size={4} wrap>
      <Typography.Text
        copyable={clear?.value ? { text: clear.value } : false}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' }}
        data-testid={`person-${field}`}
      >
        {clear?.value ?? masked}
      </Typography.Text>
      {clear ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('reveal.left', { n: left })}
        </Typography.Text>
      ) : can('person.reveal') ? (
        <Button
          type="link"
          size="small"
          icon={<EyeOutlined />}
          onClick={() => setAsking(true)}
          data-testid={`reveal-${field}`}
        >
          {t('reveal.view')}
        </Button>
      ) : null}
      <RevealModal
        personId={personId}
        field={asking ? field : null}
        label={label}
        onClose={() => setAsking(false)}
        onRevealed={setClear}
      />
    </Space>
  );
}
