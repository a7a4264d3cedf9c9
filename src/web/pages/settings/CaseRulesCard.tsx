import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Card, Skeleton, Switch, Typography } from 'antd';
import type { CaseRule } from '../../../contract/cases.js';
import { api } from '../../app/api.js';
import { useT } from '../../app/i18n.js';
import { ErrorState, useNotify } from '../../app/ui.js';
import { CaseTypeTag, useCaseTypeName } from '../cases/shared.js';

const rulesKey = ['case-rules'] as const;

/**
 * Separation of duties per case type: the handler of a case may not verify it. On by default;
 * the administrator may switch it off for a type (e.g. a one-person community).
 */
export function CaseRulesCard({ editable }: { editable: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const { fail, ok } = useNotify();
  const typeName = useCaseTypeName();
  const rules = useQuery({
    queryKey: rulesKey,
    queryFn: ({ signal }) => api.get<CaseRule[]>('/api/case-rules', undefined, { signal }),
  });
  const save = useMutation({
    mutationFn: (r: CaseRule) => api.put<CaseRule>('/api/case-rules', r),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: rulesKey });
      // A case page's buttons follow the rule.
      await qc.invalidateQueries({ queryKey: ['cases'] });
      ok(t('common.saved'));
    },
    onError: (e) => fail(e),
  });
  return (
    <Card
      size="small"
      title={
        <span>
          <SafetyCertificateOutlined style={{ marginInlineEnd: 6 }} />
          {t('caseRules.title')}
        </span>
      }
      data-testid="case-rules"
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t('caseRules.hint')}
      </Typography.Paragraph>
      {rules.error && !rules.data ? (
        <ErrorState compact error={rules.error} onRetry={() => void rules.refetch()} />
      ) : rules.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} title={false} />
      ) : (
        <div style={{ display: 'grid', gap: 10 }}>
          {(rules.data ?? []).map((r) => (
            <div
              key={r.type}
              style={{ display: 'flex', gap: 12, alignItems: 'center', justifyContent: 'space-between' }}
            >
              <span style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
                <CaseTypeTag type={r.type} />
                <span>{t('caseRules.separateVerifier')}</span>
              </span>
              <Switch
                checked={r.separateVerifier}
                disabled={!editable}
                loading={save.isPending && save.variables?.type === r.type}
                onChange={(v) => save.mutate({ type: r.type, separateVerifier: v })}
                checkedChildren={t('caseRules.on')}
                unCheckedChildren={t('caseRules.off')}
                aria-label={`${typeName(r.type)} ${t('caseRules.separateVerifier')}`}
                data-testid={`case-rule-${r.type}`}
              />
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
