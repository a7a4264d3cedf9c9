import { CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Modal, Typography } from 'antd';
import { useT } from '../../app/i18n.js';

/** Shows a generated password once; it cannot be fetched again after the modal is closed. */
export function OneTimePasswordModal({
  value,
  username,
  onClose,
}: {
  value: string | null;
  username?: string;
  onClose: () => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const copy = async () => {
    if (!value) return;
    try {
      await navigator.clipboard.writeText(value);
      message.success(t('common.copied'));
    } catch {
      message.warning(t('common.copyFailed'));
    }
  };
  return (
    <Modal
      open={value !== null}
      title={t('users.oneTimeTitle')}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('users.oneTimeDone')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={t('users.oneTimeHint')} style={{ marginBottom: 16 }} />
      {username ? (
        <Typography.Paragraph>
          {t('auth.username')}: <Typography.Text strong>{username}</Typography.Text>
        </Typography.Paragraph>
      ) : null}
      <div style={{ display: 'flex', gap: 8, alignItems: 'stretch' }}>
        <span className="jy-secret" data-testid="one-time-password">
          {value}
        </span>
        <Button icon={<CopyOutlined />} onClick={copy} style={{ height: 'auto' }} data-testid="copy-password">
          {t('common.copy')}
        </Button>
      </div>
    </Modal>
  );
}
