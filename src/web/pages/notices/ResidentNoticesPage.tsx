import { Badge, Card, List, Pagination, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../app/i18n.js';
import { QueryState } from '../../app/ui.js';
import { useResidentNotices } from './queries.js';
import { fmtDay } from './shared.js';

/**
 * 通知公告 for a resident, phone-first (375 px up): the notices of their place, newest first,
 * unread marked. The resident shell mounts it (and `ResidentNoticePage` at `${basePath}/:id`);
 * `publicAreaId` shows the public notices of an area to someone not signed in (a board's QR code).
 */
export function ResidentNoticesPage({
  basePath = '/r/notices',
  publicAreaId,
}: {
  basePath?: string;
  publicAreaId?: number;
}) {
  const t = useT();
  const [page, setPage] = useState(1);
  const q = useResidentNotices(page, { publicAreaId });
  return (
    <div className="jy-resident-notices" style={{ maxWidth: 720, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ fontSize: 22 }}>
        {t('resident.notices.title')}
      </Typography.Title>
      <QueryState query={q} isEmpty={(d) => d.items.length === 0} emptyText={t('resident.notices.empty')}>
        {(d) => (
          <>
            <List
              dataSource={d.items}
              data-testid="resident-notices"
              renderItem={(n) => (
                // A list item (axe: a <ul> holds only <li>), the whole card its link.
                <List.Item style={{ display: 'block', padding: 0, borderBlockEnd: 'none' }}>
                  <Link
                    to={`${basePath}/${n.id}`}
                    style={{ display: 'block', color: 'inherit', marginBottom: 12 }}
                    data-testid={`resident-notice-${n.id}`}
                  >
                    <Card size="small" hoverable styles={{ body: { padding: 16, minHeight: 64 } }}>
                      <Space direction="vertical" size={4} style={{ width: '100%' }}>
                        <Space wrap size={6}>
                          {!n.read && !publicAreaId ? (
                            <Badge status="error" text={t('resident.notices.unread')} />
                          ) : null}
                          <Tag>{n.kindName}</Tag>
                          {n.corrected ? <Tag color="warning">{t('resident.notices.corrected')}</Tag> : null}
                        </Space>
                        <Typography.Text strong style={{ fontSize: 17 }}>
                          {n.title}
                        </Typography.Text>
                        <Typography.Text type="secondary" style={{ fontSize: 15 }}>
                          {n.areaName} · {fmtDay(n.publishedAt)}
                          {n.objectionUntil
                            ? ` · ${t('resident.notices.objectUntil', { date: n.objectionUntil })}`
                            : ''}
                        </Typography.Text>
                      </Space>
                    </Card>
                  </Link>
                </List.Item>
              )}
            />
            {d.total > d.pageSize ? (
              <Pagination
                simple
                current={page}
                pageSize={d.pageSize}
                total={d.total}
                onChange={setPage}
                style={{ textAlign: 'center' }}
              />
            ) : null}
          </>
        )}
      </QueryState>
    </div>
  );
}

export default ResidentNoticesPage;
