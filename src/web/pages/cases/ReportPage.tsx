import { ArrowLeftOutlined, DeleteOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Divider,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Typography,
} from 'antd';
import { type ReactNode, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { CASE_CHANNELS, DISPUTE_SCALES, PARTY_ROLES } from '../../../contract/case-codes.js';
import { isApiError } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { Forbidden, PageHeader, useDebounced, useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { idNumberError, phoneError } from '../registry/format.js';
import { usePersonSearch } from '../registry/queries.js';
import { CategoryPicker } from './CategoryPicker.js';
import { LocationField, type Point } from './LocationField.js';
import {
  CASE_TYPE_LIST,
  type CaseCreate,
  type CaseType,
  createCase,
  type NearCase,
  nearQuery,
  useInvalidateCases,
  useNear,
  uuid,
} from './queries.js';
import {
  attachmentIdsOf,
  CaseStateTag,
  PhotoInput,
  type PhotoItem,
  photosReadyRule,
  useCaseCodes,
} from './shared.js';

interface PartyValues {
  role: string;
  personId?: number;
  name: string;
  idNumber?: string;
  phone?: string;
  address?: string;
}

interface ReportValues {
  category?: string[];
  urgency: 'normal' | 'urgent';
  title: string;
  description?: string;
  attachmentIds?: PhotoItem[];
  location?: Point;
  areaId?: number | null;
  address?: string;
  detail?: {
    hazardLevel?: 'low' | 'medium' | 'high';
    scale?: string;
    amount?: number | null;
    involvedCount?: number | null;
  };
  parties?: PartyValues[];
  channel?: string;
  contactName?: string;
  contactPhone?: string;
  /** 对外公开 (not offered for disputes, which never are). */
  public?: boolean;
}

/** Channels a staff member records a resident request through (the others the server sets). */
const INTAKE_CHANNELS = ['window', 'phone', 'visit', 'staff'];
const isType = (v: string | null): v is CaseType => !!v && (CASE_TYPE_LIST as string[]).includes(v);
const trimmed = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

function NearList({ items }: { items: NearCase[] }) {
  const t = useT();
  return (
    <Space orientation="vertical" size={4} style={{ width: '100%' }}>
      {items.map((n) => (
        <div key={n.id} style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
          {/* A plain link: the list also shows in a confirm dialog, outside the router. */}
          <a href={`/cases/${n.id}`} target="_blank" rel="noreferrer" data-testid={`near-${n.id}`}>
            <span className="jy-mono">{n.no}</span> {n.title}
          </a>
          <CaseStateTag state={n.state} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('report.nearDistance', { m: Math.round(n.distance) })}
          </Typography.Text>
        </div>
      ))}
    </Space>
  );
}

/** A registry person to link a party to: picking one fills the name and address. */
function PartyPersonSelect({
  onPick,
}: {
  onPick: (p: { id: number; name: string; address: string } | null) => void;
}) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const found = usePersonSearch(q, q.length > 0);
  const items = q ? (found.data?.items ?? []) : [];
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      placeholder={t('registry.searchPerson')}
      loading={found.isFetching}
      options={items.map((p) => ({
        value: p.id,
        label: `${p.name}${p.address ? ` · ${p.address}` : ''}`,
      }))}
      onChange={(v) => {
        const p = items.find((x) => x.id === v);
        onPick(p ? { id: p.id, name: p.name, address: p.address } : null);
      }}
      notFoundContent={q ? t('common.noData') : t('registry.typeToSearch')}
      style={{ width: '100%' }}
    />
  );
}

function PartiesEditor() {
  const t = useT();
  const can = useCan();
  const codes = useCaseCodes();
  const form = Form.useFormInstance<ReportValues>();
  const maxRule = (n: number) => ({ max: n, message: t('form.maxLength', { n }) });
  return (
    <Form.List
      name="parties"
      rules={[
        {
          validator: (_, v?: PartyValues[]) =>
            v && v.length > 0 ? Promise.resolve() : Promise.reject(new Error(t('report.partiesRequired'))),
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          {fields.map((f, i) => (
            <Card
              key={f.key}
              size="small"
              title={t('report.partyN', { n: i + 1 })}
              data-testid={`party-${i}`}
              extra={
                fields.length > 1 ? (
                  <Button
                    type="text"
                    danger
                    size="small"
                    icon={<DeleteOutlined />}
                    onClick={() => remove(f.name)}
                    aria-label={t('common.remove')}
                  />
                ) : null
              }
            >
              <Row gutter={12}>
                <Col xs={24} sm={8}>
                  <Form.Item
                    name={[f.name, 'role']}
                    label={t('party.role')}
                    rules={[{ required: true, message: t('form.required') }]}
                  >
                    <Select options={codes.options(PARTY_ROLES)} data-testid={`party-${i}-role`} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={16}>
                  <Form.Item
                    name={[f.name, 'name']}
                    label={t('party.name')}
                    rules={[{ required: true, whitespace: true, message: t('form.required') }, maxRule(40)]}
                  >
                    <Input maxLength={40} data-testid={`party-${i}-name`} />
                  </Form.Item>
                </Col>
                {can('person.read') ? (
                  <Col xs={24}>
                    <Form.Item
                      name={[f.name, 'personId']}
                      label={t('party.person')}
                      extra={t('party.personHint')}
                    >
                      <PartyPersonSelect
                        onPick={(p) => {
                          const cur = form.getFieldValue(['parties', f.name]) as PartyValues | undefined;
                          form.setFieldValue(['parties', f.name], {
                            ...cur,
                            personId: p?.id,
                            name: p ? p.name : cur?.name,
                            address: p && !cur?.address ? p.address : cur?.address,
                          });
                        }}
                      />
                    </Form.Item>
                  </Col>
                ) : null}
                <Col xs={24} sm={12}>
                  <Form.Item
                    name={[f.name, 'idNumber']}
                    label={t('party.idNumber')}
                    rules={[
                      maxRule(20),
                      {
                        validator: (_, v?: string) => {
                          const err = v?.trim() ? idNumberError(v) : null;
                          return err ? Promise.reject(new Error(err)) : Promise.resolve();
                        },
                      },
                    ]}
                  >
                    <Input maxLength={18} autoComplete="off" />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item
                    name={[f.name, 'phone']}
                    label={t('party.phone')}
                    rules={[
                      maxRule(20),
                      {
                        validator: (_, v?: string) => {
                          const err = v?.trim() ? phoneError(v) : null;
                          return err ? Promise.reject(new Error(err)) : Promise.resolve();
                        },
                      },
                    ]}
                  >
                    <Input maxLength={20} inputMode="tel" autoComplete="off" />
                  </Form.Item>
                </Col>
                <Col xs={24}>
                  <Form.Item name={[f.name, 'address']} label={t('party.address')} rules={[maxRule(200)]}>
                    <Input maxLength={200} />
                  </Form.Item>
                </Col>
              </Row>
            </Card>
          ))}
          <Button
            type="dashed"
            block
            icon={<PlusOutlined />}
            onClick={() => add({ role: fields.length === 0 ? 'applicant' : 'respondent' })}
            disabled={fields.length >= 50}
            data-testid="party-add"
          >
            {t('report.addParty')}
          </Button>
          <Form.ErrorList errors={errors} />
        </Space>
      )}
    </Form.List>
  );
}

/** A case raised from a visit's or a patrol's finding (`/cases/new?sourceKind=visit&sourceId=…`). */
export interface ReportSource {
  kind: 'visit' | 'patrol';
  id: number;
}

/** What a finding prefills: the link to its visit or patrol, and text, place and person to start from. */
interface ReportPrefill {
  source?: ReportSource;
  title?: string;
  description?: string;
  location?: Point;
  address?: string;
  person?: { id: number; name: string };
}

/** What a page opening the report form may hand over in the router's state (texts stay out of URLs). */
export interface ReportPrefillState {
  prefill?: Pick<ReportPrefill, 'title' | 'description' | 'address' | 'person'>;
}

function readPrefill(sp: URLSearchParams, state: unknown): ReportPrefill {
  const kind = sp.get('sourceKind');
  const id = Number(sp.get('sourceId'));
  const lat = Number(sp.get('lat'));
  const lng = Number(sp.get('lng'));
  const given = (state as ReportPrefillState | null)?.prefill ?? {};
  const text = (v: unknown, max: number) =>
    typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined;
  const person = given.person;
  return {
    source:
      (kind === 'visit' || kind === 'patrol') && Number.isInteger(id) && id > 0 ? { kind, id } : undefined,
    title: text(given.title ?? sp.get('title'), 100),
    description: text(given.description ?? sp.get('description'), 4000),
    address: text(given.address ?? sp.get('address'), 200),
    location:
      sp.has('lat') && sp.has('lng') && Math.abs(lat) <= 90 && Math.abs(lng) <= 180
        ? { lat, lng }
        : undefined,
    person:
      person && Number.isInteger(person.id) && person.id > 0 && text(person.name, 40)
        ? { id: person.id, name: person.name.trim() }
        : undefined,
  };
}

function toBody(type: CaseType, v: ReportValues, source?: ReportSource): CaseCreate {
  const common = {
    source,
    category: v.category?.[v.category.length - 1] ?? '',
    urgency: v.urgency,
    title: v.title.trim(),
    description: v.description?.trim() ?? '',
    areaId: v.areaId ?? undefined,
    location: v.location,
    address: trimmed(v.address),
    attachmentIds: attachmentIdsOf(v.attachmentIds),
    channel: v.channel as CaseCreate['channel'] | undefined,
    contactName: trimmed(v.contactName),
    contactPhone: trimmed(v.contactPhone),
  };
  if (type === 'dispute') {
    return {
      type,
      ...common,
      detail: {
        scale: v.detail?.scale ?? '01',
        amount: v.detail?.amount ?? undefined,
        involvedCount: v.detail?.involvedCount ?? undefined,
      },
      parties: (v.parties ?? []).map((p) => ({
        role: p.role,
        personId: p.personId,
        name: p.name.trim(),
        idNumber: trimmed(p.idNumber),
        phone: trimmed(p.phone),
        address: trimmed(p.address),
      })),
    };
  }
  const shown = { public: v.public !== false };
  if (type === 'event') return { type, ...common, ...shown, detail: { hazardLevel: v.detail?.hazardLevel } };
  return { type, ...common, ...shown, detail: {} };
}

function ReportForm({ type, prefill }: { type: CaseType; prefill: ReportPrefill }) {
  const t = useT();
  const can = useCan();
  const codes = useCaseCodes();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const invalidate = useInvalidateCases();
  const [form] = Form.useForm<ReportValues>();
  const { busy, run, ok } = useSubmit(form);
  const idemKey = useRef<string | null>(null);
  const category = Form.useWatch('category', form);
  const location = Form.useWatch('location', form);
  const channel = Form.useWatch('channel', form);
  const leaf = category?.[category.length - 1];
  const near = useNear({ type, category: leaf, lat: location?.lat, lng: location?.lng });
  const staffIntake = type === 'request' && can('request.accept');
  const maxRule = (n: number) => ({ max: n, message: t('form.maxLength', { n }) });

  const initialValues = useMemo<Partial<ReportValues>>(
    () => ({
      urgency: 'normal',
      title: prefill.title,
      description: prefill.description,
      location: prefill.location,
      address: prefill.address,
      detail: type === 'dispute' ? { scale: '01' } : {},
      public: type !== 'dispute',
      parties:
        type === 'dispute'
          ? [
              prefill.person
                ? { role: 'applicant', name: prefill.person.name, personId: prefill.person.id }
                : { role: 'applicant', name: '' },
            ]
          : undefined,
    }),
    [type, prefill],
  );

  /** Possible duplicates, fresh, before sending; the user may still report. */
  const confirmNear = async (v: ReportValues): Promise<boolean> => {
    const lf = v.category?.[v.category.length - 1];
    if (!lf || !v.location) return true;
    let found: NearCase[] = [];
    try {
      found = await qc.fetchQuery(
        nearQuery({ type, category: lf, lat: v.location.lat, lng: v.location.lng }),
      );
    } catch {
      return true; // the check helps; it never blocks a report
    }
    if (found.length === 0) return true;
    return new Promise<boolean>((resolve) => {
      modal.confirm({
        title: t('report.nearTitle'),
        icon: <WarningOutlined style={{ color: '#faad14' }} />,
        width: 480,
        content: (
          <Space orientation="vertical" size={8} style={{ width: '100%' }}>
            <Typography.Text type="secondary">{t('report.nearHint')}</Typography.Text>
            <NearList items={found} />
          </Space>
        ),
        okText: t('report.submitAnyway'),
        cancelText: t('report.reviewNear'),
        okButtonProps: { 'data-testid': 'report-anyway' },
        onOk: () => resolve(true),
        onCancel: () => resolve(false),
      });
    });
  };

  const onFinish = async (v: ReportValues) => {
    if (!(await confirmNear(v))) return;
    idemKey.current ??= uuid();
    const key = idemKey.current;
    await run(
      async () => {
        const created = await createCase(toBody(type, v, prefill.source), key);
        idemKey.current = null;
        await invalidate();
        // The visit or patrol lists its cases.
        if (prefill.source) {
          await qc.invalidateQueries({ queryKey: [prefill.source.kind === 'visit' ? 'visits' : 'patrols'] });
        }
        ok(t('report.done', { no: created.no }));
        navigate(`/cases/${created.id}`, { replace: true });
      },
      (e) => {
        // A definite refusal created nothing: the next attempt is a new submission.
        if (isApiError(e) && e.status >= 400 && e.status < 500) idemKey.current = null;
      },
    );
  };

  const section = (title: ReactNode) => (
    <Divider titlePlacement="start" style={{ marginTop: 4 }}>
      {title}
    </Divider>
  );

  return (
    <Form<ReportValues>
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onFinish={onFinish}
      scrollToFirstError
      data-testid="report-form"
    >
      {section(t('report.sectionWhat'))}
      <Form.Item
        name="category"
        label={type === 'dispute' ? t('report.disputeType') : t('case.category')}
        rules={[{ required: true, message: t('report.categoryRequired') }]}
      >
        <CategoryPicker
          options={codes.categoryOptions(type)}
          placeholder={t('report.pickCategory')}
          title={type === 'dispute' ? t('report.disputeType') : t('case.category')}
          data-testid="report-category"
        />
      </Form.Item>
      <Form.Item name="urgency" label={t('case.urgency')}>
        <Radio.Group
          optionType="button"
          options={(['normal', 'urgent'] as const).map((u) => ({ value: u, label: t(`urgency.${u}`) }))}
          data-testid="report-urgency"
        />
      </Form.Item>
      <Form.Item
        name="title"
        label={t('case.title')}
        rules={[
          { required: true, whitespace: true, message: t('form.required') },
          { min: 2, message: t('report.titleShort') },
          maxRule(100),
        ]}
      >
        <Input maxLength={100} placeholder={t('report.titlePlaceholder')} data-testid="report-title" />
      </Form.Item>
      <Form.Item name="description" label={t('case.description')} rules={[maxRule(4000)]}>
        <Input.TextArea
          rows={4}
          maxLength={4000}
          showCount
          placeholder={t('report.descriptionPlaceholder')}
          data-testid="report-description"
        />
      </Form.Item>
      {type === 'event' ? (
        <Form.Item name={['detail', 'hazardLevel']} label={t('report.hazardLevel')}>
          <Radio.Group
            optionType="button"
            options={(['low', 'medium', 'high'] as const).map((h) => ({ value: h, label: t(`hazard.${h}`) }))}
          />
        </Form.Item>
      ) : null}
      <Form.Item
        name="attachmentIds"
        label={t('report.photos')}
        extra={t('report.photosHint')}
        rules={[photosReadyRule(t)]}
        valuePropName="value"
      >
        <PhotoInput pdf={type === 'dispute'} data-testid="report-photos" />
      </Form.Item>

      {section(t('report.sectionWhere'))}
      <Form.Item name="location" label={t('report.location')}>
        <LocationField />
      </Form.Item>
      {near.data && near.data.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('report.nearTitle')}
          description={<NearList items={near.data} />}
          data-testid="report-near"
        />
      ) : null}
      <Form.Item
        name="areaId"
        label={t('report.area')}
        extra={t('report.areaHint')}
        dependencies={['location']}
        rules={[
          ({ getFieldValue }) => ({
            validator: (_, v?: number | null) =>
              v || getFieldValue('location')
                ? Promise.resolve()
                : Promise.reject(new Error(t('report.whereRequired'))),
          }),
        ]}
      >
        <AreaTreeSelect allowClear data-testid="report-area" />
      </Form.Item>
      <Form.Item name="address" label={t('case.address')} rules={[maxRule(200)]}>
        <Input maxLength={200} placeholder={t('report.addressPlaceholder')} data-testid="report-address" />
      </Form.Item>

      {type === 'dispute' ? (
        <>
          {section(t('report.sectionDispute'))}
          <Row gutter={12}>
            <Col xs={24} sm={8}>
              <Form.Item name={['detail', 'scale']} label={t('dispute.scale')}>
                <Select options={codes.options(DISPUTE_SCALES)} />
              </Form.Item>
            </Col>
            <Col xs={12} sm={8}>
              <Form.Item name={['detail', 'amount']} label={t('dispute.amount')}>
                <InputNumber min={0} max={1e10} style={{ width: '100%' }} suffix={t('unit.yuan')} />
              </Form.Item>
            </Col>
            <Col xs={12} sm={8}>
              <Form.Item name={['detail', 'involvedCount']} label={t('dispute.involvedCount')}>
                <InputNumber min={1} max={100000} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
          {section(t('dispute.parties'))}
          <PartiesEditor />
        </>
      ) : null}

      {staffIntake ? (
        <>
          {section(t('report.sectionIntake'))}
          <Form.Item name="channel" label={t('case.channel')} extra={t('report.channelHint')}>
            <Select
              allowClear
              options={CASE_CHANNELS.filter((c) => INTAKE_CHANNELS.includes(c.code)).map((c) => ({
                value: c.code,
                label: c[codes.lang],
              }))}
              data-testid="report-channel"
            />
          </Form.Item>
          {channel ? (
            <Row gutter={12}>
              <Col xs={24} sm={12}>
                <Form.Item name="contactName" label={t('case.contactName')} rules={[maxRule(40)]}>
                  <Input maxLength={40} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item
                  name="contactPhone"
                  label={t('case.contactPhone')}
                  rules={[
                    maxRule(20),
                    {
                      validator: (_, v?: string) => {
                        const err = v?.trim() ? phoneError(v) : null;
                        return err ? Promise.reject(new Error(err)) : Promise.resolve();
                      },
                    },
                  ]}
                >
                  <Input maxLength={20} inputMode="tel" />
                </Form.Item>
              </Col>
            </Row>
          ) : null}
        </>
      ) : null}

      {type !== 'dispute' ? (
        <Form.Item name="public" valuePropName="checked" extra={t('report.publicHint')}>
          <Checkbox data-testid="report-public">{t('case.public')}</Checkbox>
        </Form.Item>
      ) : null}

      <Form.Item style={{ marginTop: 8, marginBottom: 0 }}>
        <Button
          type="primary"
          htmlType="submit"
          loading={busy}
          block={mobile}
          size="large"
          data-testid="report-submit"
        >
          {t('report.submit')}
        </Button>
      </Form.Item>
    </Form>
  );
}

export default function ReportPage() {
  const t = useT();
  const can = useCan();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const [sp, setSp] = useSearchParams();
  const types = CASE_TYPE_LIST.filter((x) => can(`${x}.report`));
  const param = sp.get('type');
  const type = isType(param) && types.includes(param) ? param : types.length === 1 ? types[0] : undefined;
  const search = sp.toString();
  const { state } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query string and the state are the input
  const prefill = useMemo(() => readPrefill(sp, state), [search, state]);
  if (types.length === 0 || (isType(param) && !types.includes(param))) return <Forbidden />;

  return (
    <div style={{ maxWidth: 820 }}>
      <PageHeader
        title={
          <Space size={8}>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => navigate(-1)}
              aria-label={t('common.back')}
            />
            <span>{type ? t(`case.reportType.${type}`) : t('case.report')}</span>
          </Space>
        }
      />
      {types.length > 1 ? (
        <div style={{ marginBottom: 12, overflowX: 'auto' }}>
          <Segmented
            value={type}
            onChange={(v) =>
              setSp(
                (prev) => {
                  const next = new URLSearchParams(prev);
                  next.set('type', String(v));
                  return next;
                },
                // A finding's texts ride along to the other type's form.
                { replace: true, state },
              )
            }
            options={types.map((x) => ({ value: x, label: t(`caseType.${x}`) }))}
            data-testid="report-type"
          />
        </div>
      ) : null}
      {prefill.source ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="report-source"
          title={
            <span>
              {t(prefill.source.kind === 'visit' ? 'report.fromVisit' : 'report.fromPatrol')}{' '}
              <Link to={`/${prefill.source.kind === 'visit' ? 'visits' : 'patrols'}/${prefill.source.id}`}>
                #{prefill.source.id}
              </Link>
            </span>
          }
        />
      ) : null}
      {type ? (
        <Card styles={{ body: { padding: mobile ? 14 : 24 } }}>
          <ReportForm key={type} type={type} prefill={prefill} />
        </Card>
      ) : (
        <Alert type="info" showIcon title={t('report.pickType')} />
      )}
    </div>
  );
}
