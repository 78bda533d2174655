import { Card, Col, Progress, Row, Space, Statistic, Typography } from 'antd';
import { num, pct, useLang } from './format.ts';
import { Help, Mark, NumberLink, Trend } from './parts.tsx';
import type { OpenDrill, Report } from './types.ts';

/**
 * The figures of the period: received (by channel), settled (early, on time, late), the on-time
 * rate, in progress now; then returned, refused and unsatisfied ratings. Each count opens its list.
 */
export function IndicatorCards({ r, open }: { r: Report; open: OpenDrill }) {
  const { t, lang } = useLang();
  const c = r.counts;
  const pc = r.previousCounts;
  const received = t('dashboard.received');
  const online = t('dashboard.online');
  const counter = t('dashboard.counter');
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} sm={12} lg={6}>
        <Card>
          <Statistic
            title={received}
            valueRender={() => <NumberLink n={c.received} metric="received" label={received} open={open} />}
          />
          <Typography.Text>
            <NumberLink n={c.received_online} metric="received_online" label={`${received} ${online}`} open={open} />{' '}
            {online} ·{' '}
            <NumberLink
              n={c.received - c.received_online}
              metric="received_counter"
              label={`${received} ${counter}`}
              open={open}
            />{' '}
            {counter}
          </Typography.Text>
          <br />
          <Trend now={c.received} before={pc.received} />
          <Help>{t('dashboard.help.received')}</Help>
        </Card>
      </Col>
      <Col xs={24} sm={12} lg={6}>
        <Card>
          <Statistic
            title={t('dashboard.finished')}
            valueRender={() => (
              <NumberLink n={r.finished} metric="finished" label={t('dashboard.finished')} open={open} />
            )}
          />
          <Space size={4} wrap>
            <Mark tone="green">
              {t('dashboard.early')}{' '}
              <NumberLink n={c.finished_early} metric="finished_early" label={t('dashboard.early')} open={open} />
            </Mark>
            <Mark tone="blue">
              {t('dashboard.onTime')}{' '}
              <NumberLink n={c.finished_on_time} metric="finished_on_time" label={t('dashboard.onTime')} open={open} />
            </Mark>
            <Mark tone="red">
              {t('dashboard.late')}{' '}
              <NumberLink n={c.finished_late} metric="finished_late" label={t('dashboard.late')} open={open} />
            </Mark>
          </Space>
          <br />
          <Trend now={r.finished} before={r.previousFinished} />
          <Help>{t('dashboard.help.finished')}</Help>
        </Card>
      </Col>
      <Col xs={24} sm={12} lg={6}>
        <Card>
          <Statistic title={t('dashboard.onTimeRate')} value={pct(r.onTimeRate, lang)} />
          <Progress
            // No dossier settled: the rate is null ("—"), an empty bar — not 100 %.
            percent={r.onTimeRate === null ? 0 : Math.round(r.onTimeRate * 1000) / 10}
            showInfo={false}
            strokeColor={
              r.onTimeRate === null
                ? undefined
                : r.onTimeRate >= 0.95
                  ? '#389e0d'
                  : r.onTimeRate >= 0.8
                    ? '#d48806'
                    : '#cf1322'
            }
            aria-label={t('dashboard.onTimeRate')}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('dashboard.previousRate')}: {pct(r.previousOnTimeRate, lang)}
          </Typography.Text>
          <Help>{t('dashboard.help.onTimeRate')}</Help>
        </Card>
      </Col>
      <Col xs={24} sm={12} lg={6}>
        <Card>
          <Statistic
            title={t('dashboard.inProgress')}
            valueRender={() => (
              <NumberLink
                n={r.inProgressNow.total}
                metric="in_progress"
                label={t('dashboard.inProgress')}
                open={open}
              />
            )}
          />
          <Space size={4} wrap>
            <Mark tone="green">
              {t('dashboard.notDue')}{' '}
              <NumberLink
                n={r.inProgressNow.onTime}
                metric="in_progress_on_time"
                label={t('dashboard.notDue')}
                open={open}
              />
            </Mark>
            <Mark tone="red">
              {t('dashboard.overdue')}{' '}
              <NumberLink
                n={r.inProgressNow.overdue}
                metric="in_progress_overdue"
                label={t('dashboard.overdue')}
                open={open}
              />
            </Mark>
          </Space>
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('dashboard.pendingEnd')}: {num(r.pendingAtEnd.pending, lang)} ({t('dashboard.overdue')}{' '}
            {num(r.pendingAtEnd.overdue, lang)})
          </Typography.Text>
          <Help>{t('dashboard.help.inProgress')}</Help>
        </Card>
      </Col>
      <Col xs={24} sm={8}>
        <Card size="small">
          <Statistic
            title={t('dashboard.returned')}
            valueRender={() => (
              <NumberLink n={c.returned} metric="returned" label={t('dashboard.returned')} open={open} />
            )}
          />
          <Trend now={c.returned} before={pc.returned} />
          <Help>{t('dashboard.help.returned')}</Help>
        </Card>
      </Col>
      <Col xs={12} sm={8}>
        <Card size="small">
          <Statistic
            title={t('dashboard.refused')}
            valueRender={() => <NumberLink n={c.refused} metric="refused" label={t('dashboard.refused')} open={open} />}
          />
          <Trend now={c.refused} before={pc.refused} />
          <Help>{t('dashboard.help.refused')}</Help>
        </Card>
      </Col>
      <Col xs={12} sm={8}>
        <Card size="small">
          <Statistic
            title={t('dashboard.unsatisfied')}
            valueRender={() => (
              <NumberLink
                n={c.rated - c.rated_satisfied}
                metric="rated_unsatisfied"
                label={t('dashboard.unsatisfied')}
                open={open}
              />
            )}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            / {num(c.rated, lang)}
          </Typography.Text>
          <Help>{t('dashboard.help.unsatisfied')}</Help>
        </Card>
      </Col>
    </Row>
  );
}
