import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Row, Skeleton } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, PageHeader, useIsMobile } from '../../app/ui.js';
import { AreaDetail, type AreaTab } from './AreaDetail.js';
import { CreateAreaModal } from './AreaForms.js';
import { AreaTreePanel } from './AreaTreePanel.js';
import { indexTree, treeQuery, useArea } from './queries.js';

const TABS: AreaTab[] = ['info', 'children', 'boundary', 'staff'];

export default function AreasPage() {
  const t = useT();
  const can = useCan();
  const mobile = useIsMobile();
  const [params, setParams] = useSearchParams();
  const focus = Number(params.get('focus'));
  const selectedId = Number.isInteger(focus) && focus > 0 ? focus : null;
  const tabParam = params.get('tab') as AreaTab | null;
  const tab: AreaTab = tabParam && TABS.includes(tabParam) ? tabParam : 'info';
  const area = useArea(selectedId);
  const tree = useQuery(treeQuery(false));
  const [creatingRoot, setCreatingRoot] = useState(false);
  const detailRef = useRef<HTMLDivElement>(null);

  const select = (id: number | null, replace = false) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (id === null) next.delete('focus');
        else next.set('focus', String(id));
        // the children ledger's page, sort and filters belong to the area left behind
        for (const k of ['page', 'pageSize', 'sort', 'q', 'status']) next.delete(k);
        return next;
      },
      { replace },
    );
  };
  const setTab = (k: AreaTab) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (k === 'info') next.delete('tab');
        else next.set('tab', k);
        return next;
      },
      { replace: true },
    );

  // Nothing chosen yet: start at the top of the user's part of the tree.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the tree arrives
  useEffect(() => {
    if (selectedId !== null || !tree.data) return;
    const first = indexTree(new Map(tree.data.nodes.map((n) => [n.id, n]))).roots[0];
    if (first) select(first.id, true);
  }, [tree.data, selectedId]);

  // On a phone the details sit under the tree: bring them into view after a choice.
  const userPicked = useRef(false);
  useEffect(() => {
    if (mobile && userPicked.current && area.data) {
      userPicked.current = false;
      detailRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  }, [mobile, area.data]);

  const pick = (id: number | null) => {
    userPicked.current = true;
    select(id);
  };

  const treeEmpty = tree.isSuccess && tree.data.nodes.length === 0;

  return (
    <>
      <PageHeader title={t('nav.areas')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={9} xl={7}>
          <Card size="small" styles={{ body: { padding: 12 } }}>
            <AreaTreePanel
              selectedId={selectedId}
              selectedArea={area.data}
              onSelect={pick}
              height={mobile ? 320 : 620}
              extra={
                treeEmpty && can('area.create') ? (
                  <Button size="small" icon={<PlusOutlined />} onClick={() => setCreatingRoot(true)}>
                    {t('areas.addRoot')}
                  </Button>
                ) : null
              }
            />
          </Card>
        </Col>
        <Col xs={24} md={15} xl={17}>
          <div ref={detailRef} style={{ scrollMarginTop: 64 }}>
            {selectedId === null ? (
              <Card>
                <Empty description={treeEmpty ? t('areas.treeEmpty') : t('areas.pickOne')} />
              </Card>
            ) : area.error ? (
              <Card>
                <ErrorState error={area.error} onRetry={() => void area.refetch()} />
              </Card>
            ) : area.isPending ? (
              <Card>
                <Skeleton active paragraph={{ rows: 8 }} />
              </Card>
            ) : (
              <AreaDetail area={area.data} onSelect={pick} tab={tab} onTab={setTab} />
            )}
          </div>
        </Col>
      </Row>
      <CreateAreaModal
        parent={null}
        open={creatingRoot}
        onClose={() => setCreatingRoot(false)}
        onCreated={(a) => {
          setCreatingRoot(false);
          select(a.id);
        }}
      />
    </>
  );
}
