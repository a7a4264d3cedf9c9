import { Button, Form, Input } from 'antd';
import { api } from '../../app/api.js';
import { useSubmit } from '../../app/forms.js';
import { useT } from '../../app/i18n.js';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** Change own password (POST /api/auth/password); the policy's complaints land on the new password. */
export function PasswordForm({ onDone, submitText }: { onDone: () => void; submitText?: string }) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const { busy, run } = useSubmit(form);

  const onFinish = async ({ currentPassword, newPassword }: Values) => {
    await run(async () => {
      await api.post('/api/auth/password', { currentPassword, newPassword });
      form.resetFields();
      onDone();
    });
  };

  return (
    <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} style={{ maxWidth: 420 }}>
      <Form.Item
        name="currentPassword"
        label={t('password.current')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Input.Password autoComplete="current-password" data-testid="password-current" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        rules={[{ required: true, message: t('form.required') }]}
        extra={t('password.policyHint')}
      >
        <Input.Password autoComplete="new-password" data-testid="password-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('form.required') },
          ({ getFieldValue }) => ({
            validator: (_, v) =>
              !v || v === getFieldValue('newPassword')
                ? Promise.resolve()
                : Promise.reject(new Error(t('password.mismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="password-confirm" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="password-submit">
        {submitText ?? t('password.submit')}
      </Button>
    </Form>
  );
}
