import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { meKey, useLogout, useMe } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { LangLinks, safeRedirect } from './LoginPage.js';
import { PasswordForm } from './PasswordForm.js';

/** The forced change after the first sign-in or an expired password (next: 'change_password'). */
export default function ChangePasswordPage() {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const redirect = safeRedirect(params.get('redirect'));
  const me = useMe({ redirect: false });
  const logout = useLogout();
  const expired =
    me.data?.user.passwordExpiresAt != null &&
    new Date(me.data.user.passwordExpiresAt).getTime() < Date.now();

  return (
    <div className="jy-login">
      <Card className="jy-login-card" title={t('password.forcedTitle')}>
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={expired ? t('password.expiredReason') : t('password.forcedReason')}
        />
        {me.data ? (
          <Typography.Paragraph type="secondary">
            {t('password.forUser', { name: me.data.user.displayName, username: me.data.user.username })}
          </Typography.Paragraph>
        ) : null}
        <PasswordForm
          submitText={t('password.submitAndContinue')}
          onDone={async () => {
            message.success(t('password.changed'));
            await qc.invalidateQueries({ queryKey: meKey });
            navigate(redirect, { replace: true });
          }}
        />
        <Button
          type="link"
          style={{ paddingInline: 0, marginTop: 8 }}
          onClick={async () => {
            await logout();
            navigate('/login', { replace: true });
          }}
        >
          {t('auth.logoutAndSwitch')}
        </Button>
        <LangLinks />
      </Card>
    </div>
  );
}
