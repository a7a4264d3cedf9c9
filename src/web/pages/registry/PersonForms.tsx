import { useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Checkbox,
  Col,
  DatePicker,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Switch,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type ReactNode, useMemo } from 'react';
import type { z } from 'zod';
import {
  CORRECTION_CATEGORIES,
  type Code,
  DISABILITY_KINDS,
  EDUCATION,
  FLOATING_RESIDENCE_KINDS,
  INFLOW_REASONS,
  KEY_YOUTH_TYPES,
  MENTAL_RISK_LEVELS,
  POLITICAL_STATUS,
  RELATIONS,
  RESIDENCE_TYPES,
  SEXES,
} from '../../../contract/codes.js';
import type { PersonTag } from '../../../contract/registry.js';
import { TAGS, type TagCode, tagIdentifiers } from '../../../contract/tags.js';
import { api, isApiError } from '../../app/api.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { hasMessage, type TFunction, useT } from '../../app/i18n.js';
import { useIsMobile } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { idNumberError, idNumberFacts, isMasked, phoneError } from './format.js';
import { PERSON_STATUSES, type Person, registryKeys } from './queries.js';
import { fieldLabel, HousePicker, useCodes } from './shared.js';

// —— create / edit ——

interface PersonValues {
  name: string;
  idNumber?: string;
  sex?: 'M' | 'F';
  birthDate?: Dayjs | null;
  phone?: string;
  ethnicity?: string;
  education?: string;
  politicalStatus?: string;
  employer?: string;
  residenceType: 'registered' | 'resident' | 'floating';
  registeredAddress?: string;
  currentAddress?: string;
  areaId?: number | null;
  relationToHead?: string;
  floatingRegisteredOn?: Dayjs | null;
  floatingExpiresOn?: Dayjs | null;
  inflowReason?: string;
  floatingResidenceKind?: string;
  healthArchive?: boolean;
  note?: string;
  status?: Person['status'];
}

const DATE_FIELDS = ['birthDate', 'floatingRegisteredOn', 'floatingExpiresOn'] as const;

function initialValues(p: Person): PersonValues {
  return {
    name: p.name,
    // masked identifiers are not put in the form: a masked value must never be sent back
    idNumber: isMasked(p.idNumber) ? undefined : (p.idNumber ?? undefined),
    phone: isMasked(p.phone) ? undefined : (p.phone ?? undefined),
    sex: p.sex ?? undefined,
    birthDate: p.birthDate ? dayjs(p.birthDate) : null,
    ethnicity: p.ethnicity ?? undefined,
    education: p.education ?? undefined,
    politicalStatus: p.politicalStatus ?? undefined,
    employer: p.employer ?? undefined,
    residenceType: p.residenceType,
    registeredAddress: p.registeredAddress ?? undefined,
    currentAddress: p.currentAddress ?? undefined,
    areaId: p.areaId,
    relationToHead: p.relationToHead ?? undefined,
    floatingRegisteredOn: p.floating?.registeredOn ? dayjs(p.floating.registeredOn) : null,
    floatingExpiresOn: p.floating?.expiresOn ? dayjs(p.floating.expiresOn) : null,
    inflowReason: p.floating?.inflowReason ?? undefined,
    floatingResidenceKind: p.floating?.residenceKind ?? undefined,
    healthArchive: p.healthArchive,
    note: p.note ?? undefined,
    status: p.status,
  };
}

/** Form values as the API's shape: dates as YYYY-MM-DD, text trimmed, empty values left out. */
function toBody(v: PersonValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(v)) {
    if (raw === undefined || raw === null) continue;
    if ((DATE_FIELDS as readonly string[]).includes(k)) {
      out[k] = (raw as Dayjs).format('YYYY-MM-DD');
    } else if (typeof raw === 'string') {
      const s = raw.trim();
      if (s !== '') out[k] = k === 'idNumber' ? s.toUpperCase() : s;
    } else {
      out[k] = raw;
    }
  }
  return out;
}

/** Only what the user changed; identifiers only when typed anew; cleared text goes as ''. */
function changedFields(initial: Record<string, unknown>, next: Record<string, unknown>) {
  const patch: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(initial), ...Object.keys(next)]);
  for (const k of keys) {
    const before = initial[k];
    const after = next[k];
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    if (after === undefined) {
      // cleared: text fields can be emptied; dates, codes of enums and identifiers are left as they are
      if (typeof before === 'string' && !(DATE_FIELDS as readonly string[]).includes(k)) {
        if (k === 'idNumber' || k === 'phone' || k === 'sex') continue;
        patch[k] = '';
      }
      continue;
    }
    if ((k === 'idNumber' || k === 'phone') && isMasked(String(after))) continue;
    patch[k] = after;
  }
  return patch;
}

export function PersonFormDrawer({
  open,
  person,
  defaults,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** editing this person; none: registering a new one */
  person?: Person | null;
  defaults?: {
    areaId?: number;
    areaLabel?: string;
    currentAddress?: string;
    residenceType?: PersonValues['residenceType'];
  };
  onClose: () => void;
  onSaved?: (p: Person) => void;
}) {
  const t = useT();
  const codes = useCodes();
  const qc = useQueryClient();
  const mobile = useIsMobile();
  const [form] = Form.useForm<PersonValues>();
  const { busy, run, ok } = useSubmit(form);
  const editing = !!person;
  const residenceType = Form.useWatch('residenceType', form);

  const initial = useMemo<PersonValues>(
    () =>
      person
        ? initialValues(person)
        : {
            name: '',
            residenceType: defaults?.residenceType ?? 'resident',
            areaId: defaults?.areaId,
            currentAddress: defaults?.currentAddress,
            healthArchive: false,
          },
    [person, defaults?.areaId, defaults?.residenceType, defaults?.currentAddress],
  );

  const onFinish = async (v: PersonValues) => {
    await run(
      async () => {
        let saved: Person;
        if (person) {
          const patch = changedFields(toBody(initial), toBody(v));
          if (Object.keys(patch).length === 0) {
            onClose();
            return;
          }
          saved = await api.patch<Person>(`/api/people/${person.id}`, patch, { ifMatch: person.version });
          ok(t('common.saved'));
        } else {
          const { status: _status, ...body } = toBody(v);
          saved = await api.post<Person>('/api/people', body);
          ok(t('person.created', { name: saved.name }));
        }
        await qc.invalidateQueries({ queryKey: registryKeys.people });
        await qc.invalidateQueries({ queryKey: registryKeys.houses });
        form.resetFields();
        onSaved?.(saved);
        onClose();
      },
      async (e) => {
        if (isApiError(e) && e.status === 412 && person) {
          await qc.invalidateQueries({ queryKey: registryKeys.person(person.id) });
        }
      },
    );
  };

  const onIdChange = (raw: string) => {
    const facts = idNumberFacts(raw);
    if (!facts) return;
    const cur = form.getFieldsValue(['birthDate', 'sex']);
    form.setFieldsValue({
      birthDate: cur.birthDate ?? dayjs(facts.birthDate),
      sex: cur.sex ?? facts.sex,
    });
  };

  const col = (node: ReactNode, span = 12) => (
    <Col xs={24} sm={span}>
      {node}
    </Col>
  );
  const maxRule = (n: number) => ({ max: n, message: t('form.maxLength', { n }) });

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={mobile ? '100%' : 680}
      title={person ? t('person.editTitle', { name: person.name }) : t('person.createTitle')}
      destroyOnHidden
      data-testid="person-form"
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="person-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<PersonValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={onFinish}
        preserve={false}
        scrollToFirstError
      >
        <Divider titlePlacement="start" style={{ marginTop: 0 }}>
          {t('person.sectionBasic')}
        </Divider>
        <Row gutter={12}>
          {col(
            <Form.Item
              name="name"
              label={fieldLabel(t, 'name')}
              rules={[{ required: true, whitespace: true, message: t('form.required') }, maxRule(40)]}
            >
              <Input maxLength={40} data-testid="person-name" />
            </Form.Item>,
          )}
          {col(
            <Form.Item
              name="idNumber"
              label={fieldLabel(t, 'idNumber')}
              extra={
                editing && person?.idNumber ? t('person.keepMasked', { value: person.idNumber }) : undefined
              }
              rules={[
                maxRule(24),
                {
                  validator: (_, v?: string) => {
                    const err = v?.trim() ? idNumberError(v) : null;
                    return err ? Promise.reject(new Error(err)) : Promise.resolve();
                  },
                },
              ]}
            >
              <Input
                maxLength={18}
                autoComplete="off"
                onChange={(e) => onIdChange(e.target.value)}
                data-testid="person-id-number"
              />
            </Form.Item>,
          )}
          {col(
            <Form.Item name="sex" label={fieldLabel(t, 'sex')}>
              <Radio.Group options={codes.options(SEXES)} />
            </Form.Item>,
            8,
          )}
          {col(
            <Form.Item name="birthDate" label={fieldLabel(t, 'birthDate')}>
              <DatePicker
                style={{ width: '100%' }}
                inputReadOnly={mobile}
                disabledDate={(d) => d.isAfter(dayjs())}
              />
            </Form.Item>,
            8,
          )}
          {col(
            <Form.Item name="ethnicity" label={fieldLabel(t, 'ethnicity')} rules={[maxRule(20)]}>
              <Input maxLength={20} placeholder={t('person.ethnicityPlaceholder')} />
            </Form.Item>,
            8,
          )}
          {col(
            <Form.Item
              name="phone"
              label={fieldLabel(t, 'phone')}
              extra={editing && person?.phone ? t('person.keepMasked', { value: person.phone }) : undefined}
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
              <Input maxLength={20} autoComplete="off" inputMode="tel" data-testid="person-phone" />
            </Form.Item>,
          )}
          {col(
            <Form.Item name="education" label={fieldLabel(t, 'education')}>
              <Select allowClear options={codes.options(EDUCATION)} />
            </Form.Item>,
          )}
          {col(
            <Form.Item name="politicalStatus" label={fieldLabel(t, 'politicalStatus')}>
              <Select allowClear options={codes.options(POLITICAL_STATUS)} />
            </Form.Item>,
          )}
          {col(
            <Form.Item name="employer" label={fieldLabel(t, 'employer')} rules={[maxRule(100)]}>
              <Input maxLength={100} />
            </Form.Item>,
          )}
        </Row>

        <Divider titlePlacement="start">{t('person.sectionResidence')}</Divider>
        <Row gutter={12}>
          {col(
            <Form.Item
              name="residenceType"
              label={fieldLabel(t, 'residenceType')}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Select options={codes.options(RESIDENCE_TYPES)} data-testid="person-residence-type" />
            </Form.Item>,
          )}
          {col(
            <Form.Item
              name="areaId"
              label={fieldLabel(t, 'areaId')}
              extra={t('person.areaHint')}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <AreaTreeSelect
                valueLabel={person ? person.areaPath.map((a) => a.name).join(' / ') : defaults?.areaLabel}
                data-testid="person-area"
              />
            </Form.Item>,
          )}
          {col(
            <Form.Item name="currentAddress" label={fieldLabel(t, 'currentAddress')} rules={[maxRule(200)]}>
              <Input maxLength={200} />
            </Form.Item>,
            24,
          )}
          {col(
            <Form.Item
              name="registeredAddress"
              label={fieldLabel(t, 'registeredAddress')}
              rules={[maxRule(200)]}
            >
              <Input maxLength={200} />
            </Form.Item>,
            24,
          )}
          {col(
            <Form.Item name="relationToHead" label={fieldLabel(t, 'relationToHead')}>
              <Select allowClear options={codes.options(RELATIONS)} />
            </Form.Item>,
          )}
          {col(
            <Form.Item name="healthArchive" label={fieldLabel(t, 'healthArchive')} valuePropName="checked">
              <Switch />
            </Form.Item>,
          )}
          {editing
            ? col(
                <Form.Item name="status" label={t('common.status')}>
                  <Select
                    options={PERSON_STATUSES.map((s) => ({ value: s, label: t(`personStatus.${s}`) }))}
                  />
                </Form.Item>,
              )
            : null}
        </Row>

        {residenceType === 'floating' ? (
          <>
            <Divider titlePlacement="start">{t('person.sectionFloating')}</Divider>
            <Row gutter={12}>
              {col(
                <Form.Item name="floatingRegisteredOn" label={fieldLabel(t, 'floatingRegisteredOn')}>
                  <DatePicker style={{ width: '100%' }} inputReadOnly={mobile} />
                </Form.Item>,
              )}
              {col(
                <Form.Item
                  name="floatingExpiresOn"
                  label={fieldLabel(t, 'floatingExpiresOn')}
                  dependencies={['floatingRegisteredOn']}
                  rules={[
                    ({ getFieldValue }) => ({
                      validator: (_, v?: Dayjs | null) => {
                        const from = getFieldValue('floatingRegisteredOn') as Dayjs | null | undefined;
                        return !v || !from || !v.isBefore(from)
                          ? Promise.resolve()
                          : Promise.reject(new Error(t('person.expiresBeforeRegistered')));
                      },
                    }),
                  ]}
                >
                  <DatePicker style={{ width: '100%' }} inputReadOnly={mobile} />
                </Form.Item>,
              )}
              {col(
                <Form.Item name="inflowReason" label={fieldLabel(t, 'inflowReason')}>
                  <Select allowClear options={codes.options(INFLOW_REASONS)} />
                </Form.Item>,
              )}
              {col(
                <Form.Item name="floatingResidenceKind" label={fieldLabel(t, 'floatingResidenceKind')}>
                  <Select allowClear options={codes.options(FLOATING_RESIDENCE_KINDS)} />
                </Form.Item>,
              )}
            </Row>
          </>
        ) : null}

        <Form.Item name="note" label={fieldLabel(t, 'note')} rules={[maxRule(500)]}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

// —— move in / out ——

interface MoveValues {
  direction: 'in' | 'out';
  areaId?: number | null;
  relationToHead?: string;
  date?: Dayjs | null;
  note?: string;
}

export function MoveModal({ person, open, onClose }: { person: Person; open: boolean; onClose: () => void }) {
  const t = useT();
  const codes = useCodes();
  const qc = useQueryClient();
  const [form] = Form.useForm<MoveValues>();
  const { busy, run, ok } = useSubmit(form);
  const direction = Form.useWatch('direction', form);

  const onFinish = async (v: MoveValues) => {
    await run(async () => {
      const body: Record<string, unknown> =
        v.direction === 'out'
          ? { status: 'moved_out' }
          : { status: 'active', areaId: v.areaId, relationToHead: v.relationToHead || undefined };
      if (v.date) body.date = v.date.format('YYYY-MM-DD');
      if (v.note?.trim()) body.note = v.note.trim();
      await api.post(`/api/people/${person.id}/move`, body, { ifMatch: person.version });
      ok(v.direction === 'out' ? t('move.doneOut') : t('move.doneIn'));
      await qc.invalidateQueries({ queryKey: registryKeys.people });
      await qc.invalidateQueries({ queryKey: registryKeys.houses });
      onClose();
    });
  };

  return (
    <FormModal<MoveValues>
      open={open}
      title={t('move.title', { name: person.name })}
      onClose={onClose}
      form={form}
      onFinish={onFinish}
      initialValues={{ direction: 'in', date: dayjs() }}
      busy={busy}
    >
      <Form.Item name="direction" label={t('move.direction')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'in', label: t('move.in') },
            { value: 'out', label: t('move.out'), disabled: person.status === 'moved_out' },
          ]}
          data-testid="move-direction"
        />
      </Form.Item>
      {direction !== 'out' ? (
        <>
          <Form.Item
            name="areaId"
            label={t('move.house')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <HousePicker
              data-testid="move-house"
              near={person.areaPath.filter((a) => a.kind !== 'house').map((a) => a.id)}
            />
          </Form.Item>
          <Form.Item name="relationToHead" label={fieldLabel(t, 'relationToHead')}>
            <Select allowClear options={codes.options(RELATIONS)} />
          </Form.Item>
        </>
      ) : (
        <div style={{ marginBottom: 16, color: 'rgba(0,0,0,0.65)' }}>{t('move.outHint')}</div>
      )}
      <Form.Item name="date" label={t('move.date')}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="note" label={fieldLabel(t, 'note')} rules={[{ max: 200 }]}>
        <Input.TextArea rows={2} maxLength={200} />
      </Form.Item>
    </FormModal>
  );
}

// —— tags ——

/** The code tables the tag fields' enums come from (matched by their codes). */
const TAG_CODE_TABLES: Code[][] = [
  DISABILITY_KINDS,
  CORRECTION_CATEGORIES,
  KEY_YOUTH_TYPES,
  MENTAL_RISK_LEVELS,
];

export type TagFieldKind =
  | { kind: 'date' }
  | { kind: 'number'; min?: number; max?: number; int: boolean }
  | { kind: 'boolean' }
  | { kind: 'code'; table: Code[] | null; options: string[] }
  | { kind: 'text'; max?: number };

type AnyZod = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

/** What input a field of a tag's zod schema needs. */
export function describeTagField(schema: z.ZodType): TagFieldKind {
  let s = schema as AnyZod;
  while (s._zod.def.type === 'optional' || s._zod.def.type === 'nullable' || s._zod.def.type === 'default') {
    s = s._zod.def.innerType as AnyZod;
  }
  const def = s._zod.def;
  const any = s as unknown as {
    format?: string | null;
    minValue?: number | null;
    maxValue?: number | null;
    isInt?: boolean;
    maxLength?: number | null;
    options?: string[];
  };
  if (def.type === 'string' && any.format === 'date') return { kind: 'date' };
  if (def.type === 'number') {
    return {
      kind: 'number',
      min: Number.isFinite(any.minValue) ? (any.minValue as number) : undefined,
      max: Number.isFinite(any.maxValue) ? (any.maxValue as number) : undefined,
      int: !!any.isInt,
    };
  }
  if (def.type === 'boolean') return { kind: 'boolean' };
  if (def.type === 'enum') {
    const options = any.options ?? [];
    const table = TAG_CODE_TABLES.find((tb) => options.every((o) => tb.some((c) => c.code === o))) ?? null;
    return { kind: 'code', table, options };
  }
  return { kind: 'text', max: any.maxLength ?? undefined };
}

export function tagFieldLabel(t: TFunction, key: string): string {
  const k = `tagField.${key}`;
  return hasMessage(k) ? t(k) : key;
}

export function tagFieldsOf(tag: TagCode): [string, z.ZodType][] {
  const schema = TAGS[tag].fields as unknown as { shape: Record<string, z.ZodType> };
  return Object.entries(schema.shape);
}

interface TagValues {
  tag?: TagCode;
  startDate?: Dayjs | null;
  endDate?: Dayjs | null;
  fields?: Record<string, unknown>;
}

/** The form's values for a tag on the person: dates as dayjs; identifiers left out (they come masked). */
function tagInitialValues(existing: PersonTag): TagValues {
  const fields: Record<string, unknown> = {};
  const identifiers = tagIdentifiers(existing.tag);
  for (const [key, schema] of tagFieldsOf(existing.tag)) {
    const v = existing.fields[key];
    if (v === undefined || v === null || identifiers.includes(key)) continue;
    fields[key] = describeTagField(schema).kind === 'date' ? dayjs(String(v)) : v;
  }
  return {
    tag: existing.tag,
    startDate: existing.startDate ? dayjs(existing.startDate) : null,
    endDate: existing.endDate ? dayjs(existing.endDate) : null,
    fields,
  };
}

export function TagModal({
  person,
  open,
  allowed,
  existing,
  onClose,
}: {
  person: Person;
  open: boolean;
  /** tags the user may assign (permitted, not yet on the person) */
  allowed: TagCode[];
  /** editing this tag of the person (its identifier fields come masked: left empty, they are kept) */
  existing?: PersonTag;
  onClose: () => void;
}) {
  const t = useT();
  const codes = useCodes();
  const qc = useQueryClient();
  const mobile = useIsMobile();
  const [form] = Form.useForm<TagValues>();
  const { busy, run, ok } = useSubmit(form);
  const watched = Form.useWatch('tag', form);
  const tag = existing?.tag ?? watched;
  const fields = tag ? tagFieldsOf(tag) : [];
  const identifiers = tag ? tagIdentifiers(tag) : [];

  const onFinish = async (v: TagValues) => {
    if (!v.tag) return;
    const values: Record<string, unknown> = {};
    for (const [key, schema] of tagFieldsOf(v.tag)) {
      const raw = v.fields?.[key];
      const kept = existing?.fields[key];
      // An identifier not typed anew goes back masked: the server keeps the stored number.
      if ((raw === undefined || raw === null || raw === '') && existing && identifiers.includes(key)) {
        if (typeof kept === 'string' && kept !== '') values[key] = kept;
        continue;
      }
      if (raw === undefined || raw === null || raw === '') continue;
      const d = describeTagField(schema);
      if (d.kind === 'date') values[key] = (raw as Dayjs).format('YYYY-MM-DD');
      else if (typeof raw === 'string') values[key] = raw.trim();
      else values[key] = raw;
    }
    // the tag's own schema checks the fields before they go (the server checks again)
    const parsed = TAGS[v.tag].fields.safeParse(values);
    if (!parsed.success) {
      form.setFields(
        parsed.error.issues.map((i) => ({
          name: ['fields', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
          errors: [i.message],
        })),
      );
      return;
    }
    const picked = v.tag; // narrowed above; keep it narrowed inside the closure
    await run(async () => {
      await api.post(`/api/people/${person.id}/tags`, {
        tag: picked,
        fields: values,
        startDate: v.startDate ? v.startDate.format('YYYY-MM-DD') : undefined,
        endDate: v.endDate ? v.endDate.format('YYYY-MM-DD') : undefined,
      });
      ok(
        existing ? t('tags.saved', { tag: codes.tag(picked) }) : t('tags.added', { tag: codes.tag(picked) }),
      );
      await qc.invalidateQueries({ queryKey: registryKeys.people });
      onClose();
    });
  };

  return (
    <FormModal<TagValues>
      open={open}
      title={
        existing
          ? t('tags.editTitle', { tag: codes.tag(existing.tag), name: person.name })
          : t('tags.addTitle', { name: person.name })
      }
      onClose={onClose}
      form={form}
      onFinish={onFinish}
      initialValues={existing ? tagInitialValues(existing) : undefined}
      busy={busy}
    >
      <Form.Item name="tag" label={t('tags.tag')} rules={[{ required: true, message: t('form.required') }]}>
        <Select
          options={allowed.map((c) => ({ value: c, label: codes.tag(c) }))}
          disabled={!!existing}
          data-testid="tag-pick"
          notFoundContent={t('tags.noneToAdd')}
        />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={12}>
          <Form.Item name="startDate" label={t('tags.startDate')}>
            <DatePicker style={{ width: '100%' }} inputReadOnly={mobile} />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item
            name="endDate"
            label={t('tags.endDate')}
            dependencies={['startDate']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_, v?: Dayjs | null) => {
                  const from = getFieldValue('startDate') as Dayjs | null | undefined;
                  return !v || !from || !v.isBefore(from)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('tags.endBeforeStart')));
                },
              }),
            ]}
          >
            <DatePicker style={{ width: '100%' }} inputReadOnly={mobile} />
          </Form.Item>
        </Col>
      </Row>
      {fields.map(([key, schema]) => {
        const d = describeTagField(schema);
        const name = ['fields', key];
        const label = tagFieldLabel(t, key);
        if (d.kind === 'date') {
          return (
            <Form.Item key={key} name={name} label={label}>
              <DatePicker style={{ width: '100%' }} inputReadOnly={mobile} />
            </Form.Item>
          );
        }
        if (d.kind === 'number') {
          return (
            <Form.Item key={key} name={name} label={label}>
              <InputNumber
                style={{ width: '100%' }}
                min={d.min}
                max={d.max}
                precision={d.int ? 0 : undefined}
              />
            </Form.Item>
          );
        }
        if (d.kind === 'boolean') {
          return (
            <Form.Item key={key} name={name} valuePropName="checked">
              <Checkbox>{label}</Checkbox>
            </Form.Item>
          );
        }
        if (d.kind === 'code') {
          return (
            <Form.Item key={key} name={name} label={label}>
              <Select
                allowClear
                options={d.table ? codes.options(d.table) : d.options.map((o) => ({ value: o, label: o }))}
              />
            </Form.Item>
          );
        }
        const current = existing?.fields[key];
        return (
          <Form.Item
            key={key}
            name={name}
            label={label}
            extra={
              identifiers.includes(key) && typeof current === 'string' && current
                ? t('person.keepMasked', { value: current })
                : undefined
            }
            rules={d.max ? [{ max: d.max, message: t('form.maxLength', { n: d.max }) }] : undefined}
          >
            {d.max && d.max > 100 ? (
              <Input.TextArea rows={3} maxLength={d.max} showCount />
            ) : (
              <Input maxLength={d.max} />
            )}
          </Form.Item>
        );
      })}
    </FormModal>
  );
}
