import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Remaining as R, Tone } from '../api/types.ts';

const COLORS: Record<Tone, string> = { on_time: 'green', due_soon: 'gold', overdue: 'red' };

/** Remaining working time, coloured: on time / due soon / overdue (text says it too, not colour only). */
export function RemainingTag({ remaining, tone }: { remaining: R | null; tone?: Tone | null }) {
  const { t, i18n } = useTranslation();
  if (!remaining) return <span>—</span>;
  const k: Tone = tone ?? (remaining.overdue ? 'overdue' : 'on_time');
  const text = i18n.language === 'en' ? remaining.text_en : remaining.text_vi;
  return (
    <Tag color={COLORS[k]} className={`tone-${k}`} title={t(`office.tones.${k}`)}>
      <span style={{ color: '#000' }}>
        {text} · {t(`office.tones.${k}`)}
      </span>
    </Tag>
  );
}
