import { Card, Layout, List, Tag, Typography } from 'antd';
import { useParams } from 'react-router';
import { useT } from '../../app/i18n.js';
import { QueryState } from '../../app/ui.js';
import { MatterFacts } from './MatterView.js';
import { usePublicMatter } from './queries.js';

/** 办事指南: one matter's guide, open without signing in (the resident channel links here). */
export default function GuidePage() {
  const t = useT();
  const id = Number(useParams().id);
  const q = usePublicMatter(Number.isInteger(id) && id > 0 ? id : null);
  return (
    <Layout style={{ minHeight: '100vh', background: '#f5f7fa' }}>
      <Layout.Content style={{ maxWidth: 880, width: '100%', margin: '0 auto', padding: 16 }}>
        <Typography.Title level={3} style={{ marginTop: 8 }}>
          {q.data ? `${t('window.guide.title')}：${q.data.name}` : t('window.guide.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('window.guide.public')}</Typography.Paragraph>
        <QueryState query={q}>
          {(m) => (
            <>
              <MatterFacts m={m} />
              <Card
                size="small"
                title={t('window.matter.materials').replace(/（.*）|\(.*\)/, '')}
                style={{ marginTop: 16 }}
              >
                <List
                  size="small"
                  dataSource={m.materials}
                  renderItem={(x, i) => (
                    <List.Item>
                      <span>
                        {i + 1}. {x.name}{' '}
                        <Tag
                          color={
                            x.necessity === 'required'
                              ? 'red'
                              : x.necessity === 'gap_ok'
                                ? 'orange'
                                : 'default'
                          }
                        >
                          {t(`window.necessity.${x.necessity}`)}
                        </Tag>
                      </span>
                      <Typography.Text type="secondary">
                        {x.form ?? ''} × {x.copies}
                        {x.review ? ` · ${x.review}` : ''}
                      </Typography.Text>
                    </List.Item>
                  )}
                />
              </Card>
            </>
          )}
        </QueryState>
      </Layout.Content>
    </Layout>
  );
}
