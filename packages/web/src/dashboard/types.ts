import type { paths } from '../api/schema';

/** The query every indicator endpoint takes: period, agency (with its subtree), field. */
export type IndicatorQuery = NonNullable<paths['/api/v1/indicators']['get']['parameters']['query']>;
/** The kind of period: day, week, month, quarter, year or a custom range. */
export type Kind = NonNullable<IndicatorQuery['period']>;
/** A number of the dashboard whose dossiers the drill-down lists. */
export type Metric = NonNullable<paths['/api/v1/indicators/dossiers']['get']['parameters']['query']>['metric'];
export type Granularity = NonNullable<
  NonNullable<paths['/api/v1/indicators/series']['get']['parameters']['query']>['granularity']
>;
export type Report = paths['/api/v1/indicators']['get']['responses'][200]['content']['application/json'];
export type RankingRow =
  paths['/api/v1/indicators/breakdown']['get']['responses'][200]['content']['application/json']['items'][number];
export type SeriesPoint =
  paths['/api/v1/indicators/series']['get']['responses'][200]['content']['application/json']['items'][number];
export type DrillRow =
  paths['/api/v1/indicators/dossiers']['get']['responses'][200]['content']['application/json']['items'][number];

export type DrillState = { metric: Metric; label: string } | null;
/** Opens the list of dossiers behind a number. */
export type OpenDrill = (metric: Metric, label: string) => void;
export type AgencyStep = { id: string; name: string };
