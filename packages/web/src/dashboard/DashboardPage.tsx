import { Col, Row } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { ErrorText, Loading } from '../shared/Loading.tsx';
import { AgencyRanking } from './AgencyRanking.tsx';
import { DashboardFilters } from './DashboardFilters.tsx';
import { DashboardHeader } from './DashboardHeader.tsx';
import { DrillDrawer } from './DrillDrawer.tsx';
import { IndicatorCards } from './IndicatorCards.tsx';
import { ScoreCard } from './ScoreCard.tsx';
import { TrendChart } from './TrendChart.tsx';
import type { AgencyStep, DrillState, Kind } from './types.ts';
import { queryString, useIndicators } from './useIndicators.ts';

/**
 * Leader dashboard: the service indicators of Decision 766/QĐ-TTg and the dossier counts of a
 * period for the leader's agency (with its subtree), a field or a procedure; trend against the
 * previous period; every number opens the list of dossiers behind it; agencies ranked by on-time
 * rate; the periodic report as Excel and every list as CSV.
 */
export default function DashboardPage() {
  const [kind, setKind] = useState<Kind>('month');
  const [date, setDate] = useState<Dayjs>(dayjs());
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(29, 'day'), dayjs()]);
  const [agencyTrail, setAgencyTrail] = useState<AgencyStep[]>([]);
  const [fieldCode, setFieldCode] = useState<string | undefined>();
  const [drill, setDrill] = useState<DrillState>(null);

  const agencyId = agencyTrail.at(-1)?.id;
  const { query, report, ranking, fields, granularity, trend } = useIndicators({
    kind,
    date,
    range,
    agencyId,
    fieldCode,
  });
  const qs = queryString(query);

  if (report.isLoading) return <Loading />;
  if (report.error) return <ErrorText error={report.error} />;
  const r = report.data!;

  return (
    <div>
      <DashboardHeader qs={qs} agencyName={r.agency.name} trail={agencyTrail} onTrail={setAgencyTrail} />
      <DashboardFilters
        kind={kind}
        onKind={setKind}
        date={date}
        onDate={setDate}
        range={range}
        onRange={setRange}
        fieldCode={fieldCode}
        onFieldCode={setFieldCode}
        fields={fields.data?.items ?? []}
        period={r.period}
      />
      <IndicatorCards r={r} open={(metric, label) => setDrill({ metric, label })} />
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={14}>
          <TrendChart items={trend.data?.items ?? []} granularity={granularity} />
        </Col>
        <Col xs={24} lg={10}>
          <ScoreCard score={r.score} />
        </Col>
      </Row>
      <AgencyRanking
        qs={qs}
        rows={ranking.data?.items ?? []}
        loading={ranking.isLoading}
        error={ranking.error}
        agencyId={agencyId}
        onOpen={(a) => setAgencyTrail([...agencyTrail, a])}
      />
      <DrillDrawer drill={drill} query={query} onClose={() => setDrill(null)} />
    </div>
  );
}
