import { Card, Table, Tag, Typography } from 'antd';
import { num, pct, useLang } from './format.ts';
import { SR_ONLY } from './parts.tsx';
import type { Report } from './types.ts';

/** The points of Decision 766/QĐ-TTg: the total, each group, each component once a group is opened. */
export function ScoreCard({ score }: { score: Report['score'] }) {
  const { t, lang } = useLang();
  return (
    <Card title={t('dashboard.score')}>
      {/* The total in the body: a card title is cut off with an ellipsis on narrow columns. */}
      <p style={{ margin: '0 0 8px', fontSize: 16 }} data-testid="score-total">
        <strong style={{ fontSize: 24 }}>{num(score.points, lang, 2)}</strong> /{' '}
        {num(score.availableMaxPoints, lang, 2)} {t('dashboard.points')}
      </p>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('dashboard.help.score')} {t('dashboard.scoreNote')}
      </Typography.Paragraph>
      <Table
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={score.groups}
        columns={[
          { title: t('dashboard.group'), dataIndex: ['label', lang] },
          {
            title: t('dashboard.pointsHeader'),
            render: (_, g) =>
              g.availableMaxPoints === 0 ? (
                <Tag>{t('dashboard.notHeld')}</Tag>
              ) : (
                `${num(g.points, lang, 2)} / ${num(g.availableMaxPoints, lang, 2)} (${t('dashboard.maxOf')} ${num(g.maxPoints, lang, 2)})`
              ),
          },
        ]}
        expandable={{
          // The expand column is labelled too (no empty table header).
          columnTitle: <span style={SR_ONLY}>{t('dashboard.details')}</span>,
          expandedRowRender: (g) => (
            <ul style={{ margin: 0, paddingLeft: 16 }}>
              {g.components.map((comp) => (
                <li key={comp.key}>
                  {comp.label[lang]}:{' '}
                  {comp.available ? (
                    <>
                      <strong>{num(comp.points, lang, 2)}</strong> / {num(comp.maxPoints, lang, 2)} (
                      {pct(comp.ratio, lang)})
                    </>
                  ) : (
                    <Tag title={comp.note?.[lang]}>{t('dashboard.notHeld')}</Tag>
                  )}
                  {comp.note && comp.available ? (
                    <Typography.Text type="secondary"> — {comp.note[lang]}</Typography.Text>
                  ) : null}
                </li>
              ))}
            </ul>
          ),
        }}
      />
    </Card>
  );
}
