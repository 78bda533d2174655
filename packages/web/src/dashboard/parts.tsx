import { Button, Typography } from 'antd';
import type { CSSProperties, ReactNode } from 'react';
import { num, pct, useLang } from './format.ts';
import type { Metric, OpenDrill } from './types.ts';

/** Read by screen readers, not shown. */
export const SR_ONLY: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/** One sentence under a figure saying what it counts. */
export function Help({ children }: { children: ReactNode }) {
  return (
    <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 0' }}>
      {children}
    </Typography.Paragraph>
  );
}

/** A coloured label followed by its number (dark tones: readable on white, WCAG AA). */
export function Mark({ tone, children }: { tone: 'green' | 'blue' | 'red'; children: ReactNode }) {
  const color = { green: '#135200', blue: '#003eb3', red: '#a8071a' }[tone];
  return (
    <span style={{ color, borderLeft: `3px solid ${color}`, paddingLeft: 6, marginRight: 8, whiteSpace: 'nowrap' }}>
      {children}
    </span>
  );
}

/** The change against the previous period: a sentence, never "+∞", when the previous period had none. */
export function Trend({ now, before }: { now: number; before: number }) {
  const { t, lang } = useLang();
  if (before === 0 && now === 0) return null;
  let text: string;
  if (before === 0) text = t('dashboard.noPrevious');
  else {
    const diff = (now - before) / before;
    text = `${diff > 0 ? '+' : ''}${pct(diff, lang)} ${t('dashboard.vsPrevious')} (${num(before, lang)})`;
  }
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="trend">
      {text}
    </Typography.Text>
  );
}

/** A figure as a link: it opens the list of the dossiers behind it. */
export function NumberLink({ n, metric, label, open }: { n: number; metric: Metric; label: string; open: OpenDrill }) {
  const { lang } = useLang();
  return (
    <Button type="link" style={{ padding: 0, height: 'auto', fontSize: 'inherit' }} onClick={() => open(metric, label)}>
      {num(n, lang)}
    </Button>
  );
}
