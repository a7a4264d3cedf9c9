import { App, Button, Card, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { APPLICATION_DEPARTMENTS } from '../../../contract/window.js';
import { errorMessage } from '../../app/api.js';
import { useAuth } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { fmtTime } from '../../app/time.js';
import { PageHeader, QueryState } from '../../app/ui.js';
import { AreaTreeSelect } from '../areas/AreaTreeSelect.js';
import { type Ticket, useQueue, useQueueAction } from './queries.js';

const COLORS: Record<Ticket['status'], string> = {
  waiting: 'blue',
  called: 'orange',
  served: 'green',
  no_show: 'default',
};

/** 排队叫号 at the desk: issue a ticket, call the next one to this window, served or no-show. */
export default function QueuePage() {
  const t = useT();
  const { message } = App.useApp();
  const { me } = useAuth();
  const home = me?.roles[0];
  const [areaId, setAreaId] = useState<number | null>(home?.areaId ?? null);
  const [group, setGroup] = useState<string>('民政');
  const [windowNo, setWindowNo] = useState<number>(1);
  const q = useQueue(areaId, 10_000);
  const act = useQueueAction();
  const run = (path: string, body: unknown, ok: (r: Ticket) => string) =>
    act.mutate(
      { path, body },
      {
        onSuccess: (r) => {
          void message.success(ok(r));
          void q.refetch();
        },
        onError: (e) => void message.error(errorMessage(e)),
      },
    );

  return (
    <>
      <PageHeader
        title={t('window.queue.title')}
        extra={
          areaId ? (
            <Button href={`/window/screen?areaId=${areaId}`} target="_blank">
              {t('window.queue.screen')}
            </Button>
          ) : null
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <div style={{ width: 220 }}>
            <AreaTreeSelect
              value={areaId}
              valueLabel={home?.areaName}
              onChange={(v) => setAreaId(v ?? null)}
              placeholder={t('window.queue.hall')}
            />
          </div>
          <Select
            style={{ width: 140 }}
            value={group}
            onChange={setGroup}
            options={APPLICATION_DEPARTMENTS.map(([, zh]) => ({ value: zh, label: zh }))}
            aria-label={t('window.queue.group')}
          />
          <Button
            disabled={!areaId}
            onClick={() =>
              run('/api/window/tickets', { areaId, group }, (r) =>
                t('window.queue.issued', { label: r.label }),
              )
            }
            data-testid="queue-issue"
          >
            {t('window.queue.issue')}
          </Button>
          <span>{t('window.queue.windowNo')}</span>
          <InputNumber min={1} max={99} value={windowNo} onChange={(v) => setWindowNo(v ?? 1)} />
          <Button
            type="primary"
            disabled={!areaId}
            onClick={() =>
              run('/api/window/tickets/call-next', { areaId, windowNo }, (r) =>
                t('window.queue.called', { label: r.label, windowNo: r.windowNo ?? windowNo }),
              )
            }
            data-testid="queue-call"
          >
            {t('window.queue.callNext')}
          </Button>
          {q.data ? (
            <Typography.Text type="secondary">
              {t('window.queue.waiting', { n: q.data.waiting })}
            </Typography.Text>
          ) : null}
        </Space>
      </Card>
      <QueryState query={q} isEmpty={(d) => d.tickets.length === 0} emptyText={t('window.queue.empty')}>
        {(d) => (
          <Table<Ticket>
            size="small"
            rowKey="id"
            dataSource={d.tickets}
            pagination={{ pageSize: 20 }}
            scroll={{ x: 640 }}
            columns={[
              { title: t('window.queue.col.label'), dataIndex: 'label', width: 90 },
              { title: t('window.queue.col.group'), dataIndex: 'group', width: 100 },
              {
                title: t('window.queue.col.status'),
                render: (_, r) => <Tag color={COLORS[r.status]}>{t(`window.ticket.${r.status}`)}</Tag>,
                width: 110,
              },
              {
                title: t('window.queue.col.issued'),
                render: (_, r) => fmtTime(r.issuedAt, 'HH:mm'),
                width: 100,
              },
              { title: t('window.queue.col.window'), render: (_, r) => r.windowNo ?? '—', width: 80 },
              { title: t('window.queue.col.wait'), render: (_, r) => r.waitMinutes ?? '—', width: 110 },
              {
                title: '',
                render: (_, r) =>
                  r.status === 'called' ? (
                    <Space>
                      <Button
                        size="small"
                        onClick={() =>
                          run(
                            `/api/window/tickets/${r.id}/finish`,
                            { outcome: 'served' },
                            (x) => `${x.label} ${t('window.queue.served')}`,
                          )
                        }
                      >
                        {t('window.queue.served')}
                      </Button>
                      <Button
                        size="small"
                        onClick={() =>
                          run(
                            `/api/window/tickets/${r.id}/finish`,
                            { outcome: 'no_show' },
                            (x) => `${x.label} ${t('window.queue.noShow')}`,
                          )
                        }
                      >
                        {t('window.queue.noShow')}
                      </Button>
                    </Space>
                  ) : null,
              },
            ]}
          />
        )}
      </QueryState>
    </>
  );
}
