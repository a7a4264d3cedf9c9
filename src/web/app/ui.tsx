import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Empty, type FormInstance, Result, Skeleton, Space, Typography } from 'antd';
import { Component, type ErrorInfo, type ReactNode, useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, applyIssuesToForm, describeError, errorMessage } from './api.js';
import { type TFunction, translate, useT } from './i18n.js';

const MOBILE_QUERY = '(max-width: 767.98px)';

/** Narrow screens (phones): below antd's `md` breakpoint. Read synchronously to avoid a flash. */
export function useIsMobile(): boolean {
  const [mobile, setMobile] = useState(() =>
    typeof window === 'undefined' ? false : window.matchMedia(MOBILE_QUERY).matches,
  );
  useEffect(() => {
    const mq = window.matchMedia(MOBILE_QUERY);
    const on = () => setMobile(mq.matches);
    on();
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return mobile;
}

/** Toasts for mutations: `fail(err, form)` places field issues on the form and toasts the rest. */
export function useNotify() {
  const { message } = App.useApp();
  const fail = useCallback(
    (err: unknown, form?: FormInstance) => {
      if (form) {
        const rest = applyIssuesToForm(form, err);
        const placed = err instanceof ApiError ? err.issues.length - rest.length : 0;
        message.error(placed > 0 && rest.length === 0 ? errorMessage(err) : describeError(err, rest));
        return;
      }
      message.error(describeError(err));
    },
    [message],
  );
  const ok = useCallback((text: string) => message.success(text), [message]);
  return { fail, ok, message };
}

/**
 * Whether asking the server again can change the answer: a lost connection, a server error, a
 * timeout or a rate limit can pass; a refusal, a validation error or a record that is not there
 * will not, so those get no retry button.
 */
export function retryHelps(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 429;
}

/** The error state of a page or panel: the server's message, its request id and a retry button. */
export function ErrorState({
  error,
  onRetry,
  compact,
}: {
  error: unknown;
  onRetry?: () => void;
  compact?: boolean;
}) {
  const t = useT();
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  // Retry only where asking again can help (issue 16): not on a record that is not there.
  const retry =
    onRetry && retryHelps(error) ? (
      <Button icon={<ReloadOutlined />} onClick={onRetry}>
        {t('common.retry')}
      </Button>
    ) : undefined;
  if (compact) {
    return (
      <Alert
        type="error"
        showIcon
        title={errorMessage(error)}
        description={requestId ? t('error.requestId', { id: requestId }) : undefined}
        action={retry}
      />
    );
  }
  if (error instanceof ApiError && error.status === 403) {
    return <Forbidden message={error.message} />;
  }
  if (error instanceof ApiError && error.status === 404) {
    return (
      <Result
        status="404"
        title={t('words.notFoundTitle')}
        subTitle={errorMessage(error)}
        extra={
          <Space wrap>
            <Button onClick={() => window.history.back()}>{t('words.goBack')}</Button>
            <Link to="/">
              <Button type="primary">{t('common.backHome')}</Button>
            </Link>
          </Space>
        }
        data-testid="error-not-found"
      />
    );
  }
  return (
    <Result
      status="error"
      title={t('error.loadFailed')}
      subTitle={
        <Space orientation="vertical" size={2}>
          <span>{errorMessage(error)}</span>
          {requestId ? (
            <Typography.Text type="secondary" copyable={{ text: requestId }}>
              {t('error.requestId', { id: requestId })}
            </Typography.Text>
          ) : null}
        </Space>
      }
      extra={retry}
    />
  );
}

/** Loading, error and empty states around a query's data. */
export function QueryState<T>({
  query,
  isEmpty,
  emptyText,
  emptyExtra,
  rows = 4,
  children,
}: {
  query: { data: T | undefined; isPending: boolean; error: unknown; refetch: () => unknown };
  isEmpty?: (data: T) => boolean;
  emptyText?: ReactNode;
  emptyExtra?: ReactNode;
  rows?: number;
  children: (data: T) => ReactNode;
}) {
  if (query.error && query.data === undefined) {
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (query.isPending || query.data === undefined) {
    return <Skeleton active paragraph={{ rows }} />;
  }
  if (isEmpty?.(query.data)) {
    return (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText}>
        {emptyExtra}
      </Empty>
    );
  }
  return <>{children(query.data)}</>;
}

export function Forbidden({ message }: { message?: string }) {
  const t = useT();
  return (
    <Result
      status="403"
      title="403"
      subTitle={message ?? t('error.forbidden')}
      extra={
        <Link to="/">
          <Button type="primary">{t('common.backHome')}</Button>
        </Link>
      }
    />
  );
}

/** Page title row: title on the left, actions on the right; wraps on phones. */
export function PageHeader({ title, extra }: { title: ReactNode; extra?: ReactNode }) {
  return (
    <div className="jy-page-header">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {title}
      </Typography.Title>
      {extra ? <div className="jy-page-header-extra">{extra}</div> : null}
    </div>
  );
}

interface BoundaryProps {
  children: ReactNode;
  t?: TFunction;
}

/** Catches rendering errors of a page; "retry" re-renders it, "reload" reloads the app. */
export class ErrorBoundary extends Component<BoundaryProps, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('render error', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return <CrashResult error={this.state.error} onRetry={() => this.setState({ error: null })} />;
  }
}

export function CrashResult({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  // Works without the i18n context too (the boundary may sit above it).
  const t = translate;
  return (
    <Result
      status="500"
      title={t('error.crashTitle')}
      subTitle={
        <Space orientation="vertical" size={2}>
          <span>{t('error.crash')}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {errorMessage(error)}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space wrap>
          {onRetry ? <Button onClick={onRetry}>{t('common.retry')}</Button> : null}
          <Button type="primary" onClick={() => window.location.assign('/')}>
            {t('common.backHome')}
          </Button>
        </Space>
      }
    />
  );
}

/** A value that follows `value` after `ms` of quiet (search boxes). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** A plain bordered list of rows (antd's List is deprecated in v6). */
export function RowList<T>({
  items,
  rowKey,
  render,
  actions,
  size = 'default',
}: {
  items: T[];
  rowKey: (item: T) => string | number;
  render: (item: T) => ReactNode;
  actions?: (item: T) => ReactNode;
  size?: 'small' | 'default';
}) {
  return (
    <div className={`jy-rowlist jy-rowlist-${size}`}>
      {items.map((item) => (
        <div className="jy-rowlist-row" key={rowKey(item)}>
          <div className="jy-rowlist-main">{render(item)}</div>
          {actions ? <div className="jy-rowlist-actions">{actions(item)}</div> : null}
        </div>
      ))}
    </div>
  );
}

/** A table's empty state: the simple Empty picture with a text that says what to do. */
export function emptyText(text: ReactNode) {
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} />;
}
