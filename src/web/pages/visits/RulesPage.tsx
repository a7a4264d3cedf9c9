import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { INTERVAL_UNITS, type IntervalUnit } from '../../../contract/visits.js';
import { api, isApiError } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { useSubmit } from '../../app/forms.js';
import { type TFunction, useI18n, useT } from '../../app/i18n.js';
import { Ledger, type LedgerColumn, useLedgerParams } from '../../app/ledger/Ledger.js';
import { PageHeader, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { useArea } from '../areas/queries.js';
import { permittedTags } from '../registry/queries.js';
import { useCodes } from '../registry/shared.js';
import { type FormField, useVisitRules, type VisitRule, type VisitRuleInput, visitKeys } from './queries.js';
import { PersonTags, personTagsText } from './shared.js';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

export function intervalText(t: TFunction, count: number, unit: string): string {
  const u = (INTERVAL_UNITS as readonly string[]).includes(unit)
    ? t(`rule.unit.${unit as IntervalUnit}`)
    : unit;
  return t('rule.every', { n: count, unit: u });
}

/** "走访规则 | 结对帮扶": the two settings pages of visits. */
export function VisitSettingsNav({ current }: { current: 'rules' | 'pairs' }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <div style={{ marginBottom: 12 }}>
      <Segmented
        value={current}
        onChange={(v) => navigate(v === 'rules' ? '/settings/visit-rules' : '/settings/visit-pairs')}
        options={[
          { value: 'rules', label: t('nav.visitRules') },
          { value: 'pairs', label: t('nav.visitPairs') },
        ]}
        data-testid="visit-settings-nav"
      />
    </div>
  );
}

interface FieldValues {
  key: string;
  label: string;
  kind: FormField['kind'];
  options?: string[];
  required?: boolean;
}

interface RuleValues {
  name: string;
  areaId?: number | null;
  tags: string[];
  minAge?: number | null;
  intervalCount: number;
  intervalUnit: IntervalUnit;
  mustVisit: boolean;
  visitor: 'grid_worker' | 'pair';
  form: FieldValues[];
  active: boolean;
}

function toInput(v: RuleValues): VisitRuleInput {
  return {
    name: v.name.trim(),
    areaId: v.areaId ?? 0,
    tags: v.tags as VisitRuleInput['tags'],
    minAge: v.minAge ?? undefined,
    intervalCount: v.intervalCount,
    intervalUnit: v.intervalUnit,
    mustVisit: v.mustVisit,
    visitor: v.visitor,
    form: (v.form ?? []).map((f) => ({
      key: f.key.trim(),
      label: f.label.trim(),
      kind: f.kind,
      options: f.kind === 'choice' ? (f.options ?? []).map((o) => o.trim()).filter(Boolean) : undefined,
      required: !!f.required,
    })),
    active: v.active,
  };
}

const KEY_RE = /^[a-z][a-z0-9_]{0,29}$/;

/** The rule's questions: add, remove, reorder; key, label, kind, options (choices), required. */
function FieldsEditor() {
  const t = useT();
  const form = Form.useFormInstance<RuleValues>();
  const fields = Form.useWatch('form', form) as FieldValues[] | undefined;
  return (
    <Form.List name="form">
      {(items, { add, remove, move }) => (
        <Space orientation="vertical" size={10} style={{ width: '100%' }}>
          {items.map((f, i) => {
            const kind = fields?.[i]?.kind;
            return (
              <Card
                key={f.key}
                size="small"
                type="inner"
                title={t('rule.fieldN', { n: i + 1 })}
                data-testid={`rule-field-${i}`}
                extra={
                  <Space size={0}>
                    <Button
                      type="text"
                      size="small"
                      icon={<ArrowUpOutlined />}
                      disabled={i === 0}
                      onClick={() => move(i, i - 1)}
                      aria-label={t('rule.moveUp')}
                    />
                    <Button
                      type="text"
                      size="small"
                      icon={<ArrowDownOutlined />}
                      disabled={i === items.length - 1}
                      onClick={() => move(i, i + 1)}
                      aria-label={t('rule.moveDown')}
                    />
                    <Button
                      type="text"
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() => remove(f.name)}
                      aria-label={t('common.remove')}
                    />
                  </Space>
                }
              >
                <Row gutter={8}>
                  <Col xs={24} sm={14}>
                    <Form.Item
                      name={[f.name, 'label']}
                      label={t('rule.fieldLabel')}
                      rules={[
                        { required: true, whitespace: true, message: t('form.required') },
                        { max: 40, message: t('form.maxLength', { n: 40 }) },
                      ]}
                    >
                      <Input maxLength={40} placeholder={t('rule.fieldLabelPlaceholder')} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={10}>
                    <Form.Item
                      name={[f.name, 'key']}
                      label={t('rule.fieldKey')}
                      tooltip={t('rule.fieldKeyHint')}
                      rules={[
                        { required: true, message: t('form.required') },
                        { pattern: KEY_RE, message: t('rule.fieldKeyBad') },
                        {
                          validator: (_, v?: string) =>
                            v && (fields ?? []).filter((x) => x?.key === v).length > 1
                              ? Promise.reject(new Error(t('rule.fieldKeyDup')))
                              : Promise.resolve(),
                        },
                      ]}
                    >
                      <Input maxLength={30} className="jy-mono" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={14}>
                    <Form.Item name={[f.name, 'kind']} label={t('rule.fieldKind')}>
                      <Radio.Group
                        optionType="button"
                        options={(['text', 'choice', 'yesno'] as const).map((k) => ({
                          value: k,
                          label: t(`rule.kind.${k}`),
                        }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={10}>
                    <Form.Item
                      name={[f.name, 'required']}
                      label={t('rule.fieldRequired')}
                      valuePropName="checked"
                    >
                      <Switch />
                    </Form.Item>
                  </Col>
                  {kind === 'choice' ? (
                    <Col xs={24}>
                      <Form.Item
                        name={[f.name, 'options']}
                        label={t('rule.fieldOptions')}
                        extra={t('rule.fieldOptionsHint')}
                        rules={[
                          {
                            validator: (_, v?: string[]) =>
                              (v ?? []).length >= 2 && (v ?? []).length <= 10
                                ? Promise.resolve()
                                : Promise.reject(new Error(t('rule.optionsCount'))),
                          },
                        ]}
                      >
                        <Select
                          mode="tags"
                          tokenSeparators={[',', '，', '、']}
                          open={false}
                          suffixIcon={null}
                          maxCount={10}
                        />
                      </Form.Item>
                    </Col>
                  ) : null}
                </Row>
              </Card>
            );
          })}
          <Button
            type="dashed"
            block
            icon={<PlusOutlined />}
            disabled={items.length >= 12}
            onClick={() => add({ key: `q${items.length + 1}`, label: '', kind: 'text', required: false })}
            data-testid="rule-field-add"
          >
            {t('rule.addField')}
          </Button>
        </Space>
      )}
    </Form.List>
  );
}

function RuleDrawer({ rule, open, onClose }: { rule: VisitRule | null; open: boolean; onClose: () => void }) {
  const t = useT();
  const { me } = useAuth();
  const codes = useCodes();
  const mobile = useIsMobile();
  const qc = useQueryClient();
  const [form] = Form.useForm<RuleValues>();
  const { busy, run, ok } = useSubmit(form);
  const tagOptions = useMemo(() => {
    const codesSeen = new Set<string>([...permittedTags(me), ...(rule?.tags ?? [])]);
    return [...codesSeen].map((c) => ({ value: c, label: codes.tag(c as never) }));
  }, [me, rule, codes]);

  const initial: RuleValues = rule
    ? {
        name: rule.name,
        areaId: rule.areaId,
        tags: rule.tags,
        minAge: rule.minAge,
        intervalCount: rule.intervalCount,
        intervalUnit: rule.intervalUnit,
        mustVisit: rule.mustVisit,
        visitor: rule.visitor,
        form: rule.form.map((f) => ({ ...f, required: !!f.required })),
        active: rule.active,
      }
    : {
        name: '',
        areaId: me?.roles.find((r) => r.areaKind === 'community')?.areaId,
        tags: [],
        intervalCount: 1,
        intervalUnit: 'month',
        mustVisit: false,
        visitor: 'grid_worker',
        form: [],
        active: true,
      };

  const onFinish = (v: RuleValues) =>
    run(
      async () => {
        const body = toInput(v);
        const saved = rule
          ? await api.put<VisitRule>(`/api/visit-rules/${rule.id}`, body, { ifMatch: rule.version })
          : await api.post<VisitRule>('/api/visit-rules', body);
        await qc.invalidateQueries({ queryKey: visitKeys.rulesAll });
        // The server recomputed the plans at once.
        void qc.invalidateQueries({ queryKey: visitKeys.all });
        ok(t('rule.saved', { n: saved.planCount }));
        onClose();
      },
      async (e) => {
        if (isApiError(e) && e.status === 412) await qc.invalidateQueries({ queryKey: visitKeys.rulesAll });
      },
    );

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={mobile ? '100%' : 640}
      title={
        rule ? (mobile ? t('rule.edit') : t('rule.editTitle', { name: rule.name })) : t('rule.createTitle')
      }
      destroyOnHidden
      data-testid="rule-form"
      extra={
        <Space>
          {mobile ? null : <Button onClick={onClose}>{t('common.cancel')}</Button>}
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="rule-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<RuleValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={onFinish}
        scrollToFirstError
      >
        <Form.Item
          name="name"
          label={t('rule.name')}
          rules={[
            { required: true, whitespace: true, message: t('form.required') },
            { min: 2, message: t('rule.nameShort') },
            { max: 40, message: t('form.maxLength', { n: 40 }) },
          ]}
        >
          <Input maxLength={40} placeholder={t('rule.namePlaceholder')} data-testid="rule-name" />
        </Form.Item>
        <Form.Item
          name="areaId"
          label={t('rule.area')}
          extra={t('rule.areaHint')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <AreaTreeSelect valueLabel={rule?.areaName} data-testid="rule-area" />
        </Form.Item>
        <Form.Item
          name="tags"
          label={t('rule.tags')}
          extra={t('rule.tagsHint')}
          required
          rules={[
            {
              validator: (_, v?: string[]) =>
                (v ?? []).length >= 1 && (v ?? []).length <= 4
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('rule.tagsCount'))),
            },
          ]}
        >
          <Select
            mode="multiple"
            options={tagOptions}
            maxCount={4}
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="rule-tags"
          />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={8}>
            <Form.Item name="minAge" label={t('rule.minAge')} extra={t('rule.minAgeHint')}>
              <InputNumber
                min={0}
                max={120}
                precision={0}
                style={{ width: '100%' }}
                suffix={t('rule.years')}
              />
            </Form.Item>
          </Col>
          <Col xs={12} sm={8}>
            <Form.Item
              name="intervalCount"
              label={t('rule.interval')}
              rules={[
                { required: true, message: t('form.required') },
                { type: 'number', min: 1, max: 60, message: t('form.range', { min: 1, max: 60 }) },
              ]}
            >
              <InputNumber
                min={1}
                max={60}
                precision={0}
                style={{ width: '100%' }}
                prefix={t('rule.everyPrefix')}
              />
            </Form.Item>
          </Col>
          <Col xs={12} sm={8}>
            <Form.Item name="intervalUnit" label={t('rule.unit')}>
              <Select options={INTERVAL_UNITS.map((u) => ({ value: u, label: t(`rule.unit.${u}`) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="visitor" label={t('rule.visitor')}>
          <Radio.Group
            options={[
              { value: 'grid_worker', label: t('rule.visitor.grid_worker') },
              { value: 'pair', label: t('rule.visitor.pair') },
            ]}
          />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={12}>
            <Form.Item
              name="mustVisit"
              label={t('rule.mustVisit')}
              valuePropName="checked"
              extra={t('rule.mustVisitHint')}
            >
              <Switch data-testid="rule-must" />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item name="active" label={t('rule.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
        <Divider titlePlacement="start">{t('rule.formFields')}</Divider>
        <Typography.Paragraph type="secondary">{t('rule.formFieldsHint')}</Typography.Paragraph>
        <FieldsEditor />
      </Form>
    </Drawer>
  );
}

/** "走访规则": which tagged people are visited how often, by whom, with which questions. */
export default function RulesPage() {
  const { t, lang } = useI18n();
  const mobile = useIsMobile();
  const lp = useLedgerParams(100);
  const areaId = num(lp.sp.get('areaId'));
  const area = useArea(areaId ?? null);
  const rules = useVisitRules(areaId);
  const [editing, setEditing] = useState<VisitRule | null>(null);
  const [open, setOpen] = useState(false);
  const openRule = (r: VisitRule | null) => {
    setEditing(r);
    setOpen(true);
  };
  const canEdit = (r: VisitRule) => r.abilities.includes('update');

  const meta = (r: VisitRule) => (
    <Space size={[6, 4]} wrap style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)' }}>
      <span>{r.areaName}</span>
      <span>{intervalText(t, r.intervalCount, r.intervalUnit)}</span>
      {r.minAge !== null ? <span>{t('rule.ageFrom', { n: r.minAge })}</span> : null}
      <span>{t(`rule.visitor.${r.visitor}`)}</span>
      <span>{t('rule.fieldsN', { n: r.form.length })}</span>
    </Space>
  );

  const columns: LedgerColumn<VisitRule>[] = [
    {
      key: 'name',
      title: t('rule.name'),
      value: (r) => r.name,
      text: (r) =>
        [r.name, r.mustVisit ? t('visit.mustVisit') : '', r.active ? '' : t('rule.inactive')]
          .filter(Boolean)
          .join(' · '),
      render: (r) => (
        <Space size={6} wrap>
          <Typography.Text strong>{r.name}</Typography.Text>
          {r.mustVisit ? <Tag color="red">{t('visit.mustVisit')}</Tag> : null}
          {r.active ? null : <Tag>{t('rule.inactive')}</Tag>}
        </Space>
      ),
    },
    { key: 'areaName', title: t('rule.area'), value: (r) => r.areaName },
    {
      key: 'tags',
      title: t('rule.tags'),
      text: (r) => personTagsText(r.tags, lang),
      render: (r) => <PersonTags tags={r.tags} />,
    },
    {
      key: 'interval',
      title: t('rule.interval'),
      text: (r) =>
        `${intervalText(t, r.intervalCount, r.intervalUnit)}${r.minAge !== null ? ` · ${t('rule.ageFrom', { n: r.minAge })}` : ''}`,
    },
    {
      key: 'visitor',
      title: t('rule.visitor'),
      value: (r) => t(`rule.visitor.${r.visitor}`),
      text: (r) => t(`rule.visitor.${r.visitor}`),
    },
    {
      key: 'form',
      title: t('rule.formFields'),
      align: 'right',
      value: (r) => r.form.length,
      text: (r) => String(r.form.length),
    },
    {
      key: 'planCount',
      title: t('rule.planCount'),
      align: 'right',
      value: (r) => r.planCount,
      render: (r) => <Typography.Text strong>{r.planCount}</Typography.Text>,
    },
    {
      key: 'actions',
      title: t('common.actions'),
      noPrint: true,
      render: (r) =>
        canEdit(r) ? (
          <Button
            type="link"
            size="small"
            onClick={(e) => {
              e.stopPropagation();
              openRule(r);
            }}
            data-testid={`rule-edit-${r.id}`}
          >
            {t('common.edit')}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.visitRules')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => openRule(null)}
            data-testid="rule-create"
          >
            {t('rule.create')}
          </Button>
        }
      />
      <VisitSettingsNav current="rules" />
      <Ledger<VisitRule>
        id="visit-rules"
        title={t('lists.rules.title')}
        params={lp}
        query={{
          data: rules.data ? { items: rules.data, total: rules.data.length } : undefined,
          isPending: rules.isPending,
          isFetching: rules.isFetching,
          error: rules.error,
          refetch: rules.refetch,
        }}
        paged={false}
        columns={columns}
        rowKey={(r) => r.id}
        rowTestId={(r) => `rule-row-${r.id}`}
        onOpen={(r) => (canEdit(r) ? openRule(r) : undefined)}
        testId="rules-table"
        emptyText={t('rule.empty')}
        saveFilters={false}
        filters={[
          <div key="area" style={{ width: mobile ? '100%' : 260, display: 'flex', minWidth: 0 }}>
            <AreaTreeSelect
              allowClear
              value={areaId ?? null}
              onChange={(v) => lp.update({ areaId: v ?? undefined })}
              placeholder={t('rule.allAreas')}
            />
          </div>,
        ]}
        activeFilters={areaId ? 1 : 0}
        onReset={() => lp.update({ areaId: undefined })}
        exportTo={{ path: '/api/visit-rules/export', body: { areaId }, fileName: 'visit-rules.xlsx' }}
        print={{ area: area.data?.name, landscape: true }}
        renderCard={(r) => (
          <Card
            size="small"
            data-testid={`rule-row-${r.id}`}
            onClick={() => (canEdit(r) ? openRule(r) : undefined)}
            title={
              <Space size={6} wrap>
                <Typography.Text strong>{r.name}</Typography.Text>
                {r.mustVisit ? <Tag color="red">{t('visit.mustVisit')}</Tag> : null}
                {r.active ? null : <Tag>{t('rule.inactive')}</Tag>}
              </Space>
            }
            extra={<Tag color="blue">{t('rule.plansN', { n: r.planCount })}</Tag>}
          >
            <div style={{ marginBottom: 4 }}>
              <PersonTags tags={r.tags} />
            </div>
            {meta(r)}
          </Card>
        )}
      />
      <RuleDrawer key={editing?.id ?? 'new'} rule={editing} open={open} onClose={() => setOpen(false)} />
    </>
  );
}
