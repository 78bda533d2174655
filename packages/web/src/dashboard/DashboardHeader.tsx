import { Breadcrumb, Button, Space, Typography } from 'antd';
import { useLang } from './format.ts';
import type { AgencyStep } from './types.ts';

/** Title, the settlement report as Excel and CSV, and the trail of agencies the leader went down. */
export function DashboardHeader(props: {
  qs: string;
  agencyName: string;
  trail: AgencyStep[];
  onTrail: (trail: AgencyStep[]) => void;
}) {
  const { t } = useLang();
  const { qs, trail, onTrail } = props;
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', flexWrap: 'wrap' }}>
        <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
          {t('dashboard.title')}
        </Typography.Title>
        <Space wrap>
          <a href={`/api/v1/reports/settlement?${qs}&format=xlsx`} download>
            <Button type="primary">{t('dashboard.excel')}</Button>
          </a>
          <a href={`/api/v1/reports/settlement?${qs}&format=csv`} download>
            <Button>{t('dashboard.csv')}</Button>
          </a>
        </Space>
      </Space>

      <Breadcrumb
        style={{ margin: '12px 0' }}
        items={[
          {
            title: (
              <Button type="link" style={{ padding: 0 }} onClick={() => onTrail([])}>
                {trail.length === 0 ? props.agencyName : t('dashboard.myAgency')}
              </Button>
            ),
          },
          ...trail.map((a, i) => ({
            title:
              i === trail.length - 1 ? (
                a.name
              ) : (
                <Button type="link" style={{ padding: 0 }} onClick={() => onTrail(trail.slice(0, i + 1))}>
                  {a.name}
                </Button>
              ),
          })),
        ]}
      />
    </>
  );
}
