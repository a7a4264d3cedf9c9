import { useQueryClient } from '@tanstack/react-query';
import { Form, Input, InputNumber, Select } from 'antd';
import { AREA_KINDS, AREA_PARENT_KINDS, type Area, type AreaKind } from '../../../contract/areas.js';
import { api, isApiError } from '../../app/api.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { kindLabel } from '../../app/labels.js';
import { areaKeys } from './queries.js';

/** The kinds a child of `parent` may have (AREA_PARENT_KINDS); a null parent: the root kinds. */
export function childKindsOf(parentKind: AreaKind | null): AreaKind[] {
  return AREA_KINDS.filter((k) => {
    const allowed = AREA_PARENT_KINDS[k];
    return parentKind === null ? allowed === null : (allowed?.includes(parentKind) ?? false);
  });
}

interface CreateValues {
  kind: AreaKind;
  name: string;
  code?: string;
  sortOrder?: number;
}

export function CreateAreaModal({
  parent,
  open,
  onClose,
  onCreated,
}: {
  parent: Pick<Area, 'id' | 'kind' | 'name'> | null;
  open: boolean;
  onClose: () => void;
  onCreated: (a: Area) => void;
}) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<CreateValues>();
  const { busy, run, ok } = useSubmit(form);
  const kinds = childKindsOf(parent?.kind ?? null);

  const onFinish = async (v: CreateValues) => {
    await run(async () => {
      const created = await api.post<Area>('/api/areas', {
        parentId: parent?.id ?? null,
        kind: v.kind,
        name: v.name.trim(),
        code: v.code?.trim() || undefined,
        sortOrder: v.sortOrder ?? undefined,
      });
      ok(t('areas.created', { name: created.name }));
      await qc.invalidateQueries({ queryKey: areaKeys.all });
      form.resetFields();
      onCreated(created);
    });
  };

  return (
    <FormModal<CreateValues>
      open={open}
      title={parent ? t('areas.addChildTitle', { name: parent.name }) : t('areas.addRootTitle')}
      onClose={onClose}
      form={form}
      onFinish={onFinish}
      initialValues={{ kind: kinds.length === 1 ? kinds[0] : undefined }}
      busy={busy}
    >
      <Form.Item
        name="kind"
        label={t('areas.kind')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Select
          options={kinds.map((k) => ({ value: k, label: kindLabel(t, k) }))}
          data-testid="area-create-kind"
        />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('areas.name')}
        rules={[
          { required: true, whitespace: true, message: t('form.required') },
          { max: 60, message: t('form.maxLength', { n: 60 }) },
        ]}
      >
        <Input maxLength={60} data-testid="area-create-name" />
      </Form.Item>
      <Form.Item
        name="code"
        label={t('areas.code')}
        extra={t('areas.codeHint')}
        rules={[{ pattern: /^\d{6,24}$/, message: t('areas.codeInvalid') }]}
      >
        <Input inputMode="numeric" maxLength={24} />
      </Form.Item>
      <Form.Item name="sortOrder" label={t('areas.sortOrder')}>
        <InputNumber min={0} max={1_000_000} precision={0} style={{ width: '100%' }} />
      </Form.Item>
    </FormModal>
  );
}

interface EditValues {
  name: string;
  sortOrder: number;
}

export function EditAreaModal({ area, open, onClose }: { area: Area; open: boolean; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<EditValues>();
  const { busy, run, ok } = useSubmit(form);

  const onFinish = async (v: EditValues) => {
    const patch: Partial<EditValues> = {};
    if (v.name.trim() !== area.name) patch.name = v.name.trim();
    if (v.sortOrder !== area.sortOrder) patch.sortOrder = v.sortOrder;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    await run(
      async () => {
        await api.patch<Area>(`/api/areas/${area.id}`, patch, { ifMatch: area.version });
        ok(t('common.saved'));
        await qc.invalidateQueries({ queryKey: areaKeys.all });
        onClose();
      },
      async (e) => {
        if (isApiError(e) && e.status === 412) {
          await qc.invalidateQueries({ queryKey: areaKeys.detail(area.id) });
        }
      },
    );
  };

  return (
    <FormModal<EditValues>
      open={open}
      title={t('areas.editTitle', { name: area.name })}
      onClose={onClose}
      form={form}
      onFinish={onFinish}
      initialValues={{ name: area.name, sortOrder: area.sortOrder }}
      busy={busy}
    >
      <Form.Item
        name="name"
        label={t('areas.name')}
        rules={[
          { required: true, whitespace: true, message: t('form.required') },
          { max: 60, message: t('form.maxLength', { n: 60 }) },
        ]}
      >
        <Input maxLength={60} />
      </Form.Item>
      <Form.Item name="sortOrder" label={t('areas.sortOrder')} rules={[{ required: true }]}>
        <InputNumber min={0} max={1_000_000} precision={0} style={{ width: '100%' }} />
      </Form.Item>
    </FormModal>
  );
}
