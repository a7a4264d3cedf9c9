import { useQueryClient } from '@tanstack/react-query';
import { Form, Input, Modal } from 'antd';
import type { UserSummary } from '../../../contract/users.js';
import { api, isApiError } from '../../app/api.js';
import { FormModal, useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { userKeys } from './queries.js';

interface CreateValues {
  username: string;
  displayName: string;
  areaId: number;
}

export function CreateUserModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (user: UserSummary, initialPassword: string | null) => void;
}) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<CreateValues>();
  const { busy, run } = useSubmit(form);

  const onFinish = async (v: CreateValues) => {
    await run(async () => {
      const r = await api.post<{ user: UserSummary; initialPassword: string | null }>('/api/users', {
        username: v.username.trim(),
        displayName: v.displayName.trim(),
        areaId: v.areaId,
      });
      await qc.invalidateQueries({ queryKey: userKeys.all });
      form.resetFields();
      onCreated(r.user, r.initialPassword);
    });
  };

  return (
    <FormModal<CreateValues>
      open={open}
      title={t('users.createTitle')}
      onClose={onClose}
      form={form}
      onFinish={onFinish}
      busy={busy}
    >
      <Form.Item
        name="username"
        label={t('auth.username')}
        extra={t('users.usernameHint')}
        rules={[
          { required: true, message: t('form.required') },
          { pattern: /^[a-zA-Z][a-zA-Z0-9_.-]{2,31}$/, message: t('users.usernameInvalid') },
        ]}
      >
        <Input autoComplete="off" maxLength={32} data-testid="user-username" />
      </Form.Item>
      <Form.Item
        name="displayName"
        label={t('users.displayName')}
        rules={[
          { required: true, whitespace: true, message: t('form.required') },
          { max: 40, message: t('form.maxLength', { n: 40 }) },
        ]}
      >
        <Input maxLength={40} data-testid="user-display-name" />
      </Form.Item>
      <Form.Item
        name="areaId"
        label={t('users.homeArea')}
        extra={t('users.homeAreaHint')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <AreaTreeSelect data-testid="user-area" />
      </Form.Item>
    </FormModal>
  );
}

interface EditValues {
  displayName: string;
  areaId: number;
}

export function EditUserModal({ user, onClose }: { user: UserSummary | null; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<EditValues>();
  const { busy, run, ok } = useSubmit(form);

  const onFinish = async (v: EditValues) => {
    if (!user) return;
    const patch: Partial<EditValues> = {};
    if (v.displayName.trim() !== user.displayName) patch.displayName = v.displayName.trim();
    if (v.areaId !== user.areaId) patch.areaId = v.areaId;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    await run(
      async () => {
        await api.patch<UserSummary>(`/api/users/${user.id}`, patch, { ifMatch: user.version });
        ok(t('common.saved'));
        await qc.invalidateQueries({ queryKey: userKeys.all });
        onClose();
      },
      async (e) => {
        if (isApiError(e) && e.status === 412) await qc.invalidateQueries({ queryKey: userKeys.all });
      },
    );
  };

  return (
    <Modal
      open={user !== null}
      title={user ? t('users.editTitle', { name: user.displayName }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      destroyOnHidden
    >
      {user ? (
        <Form<EditValues>
          form={form}
          layout="vertical"
          onFinish={onFinish}
          preserve={false}
          initialValues={{ displayName: user.displayName, areaId: user.areaId }}
        >
          <Form.Item label={t('auth.username')}>
            <Input value={user.username} disabled />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t('users.displayName')}
            rules={[
              { required: true, whitespace: true, message: t('form.required') },
              { max: 40, message: t('form.maxLength', { n: 40 }) },
            ]}
          >
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item
            name="areaId"
            label={t('users.homeArea')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <AreaTreeSelect valueLabel={user.areaName} />
          </Form.Item>
        </Form>
      ) : null}
    </Modal>
  );
}
