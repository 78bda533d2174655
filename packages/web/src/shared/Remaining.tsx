import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Clock, DossierStatus, PublicLookup, Remaining as R, Tone } from '../api/types.ts';
import { fmtDate, pick } from '../format.ts';

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

/** The result's timeliness as the server words it. */
export type Settlement = NonNullable<PublicLookup['settlement']>;

/**
 * Where the dossier stands against its time limit: the result's timeliness with its date once it is
 * ready ("Hoàn thành trước hạn · ngày 05/12/2026"), the paused clock while a supplement or a fee is
 * awaited, the remaining working time while the clock runs — never a remaining time after the end.
 */
export function DueStatus({
  dossier,
}: {
  dossier: {
    status: DossierStatus;
    remaining: R | null;
    clock?: Clock;
    settlement?: Settlement | null;
  };
}) {
  const { t, i18n } = useTranslation();
  const { settlement, clock } = dossier;
  if (settlement) {
    return (
      <Tag color={settlement.kind === 'late' ? 'red' : 'green'} data-testid="settlement">
        <span style={{ color: '#000' }}>
          {t('citizen.finishedOn', { label: pick(settlement, i18n.language), date: fmtDate(settlement.at) })}
        </span>
      </Tag>
    );
  }
  if (clock === 'paused') {
    return (
      <Tag color="gold" data-testid="clock-paused">
        <span style={{ color: '#000' }}>
          {dossier.status === 'fee_requested' ? t('citizen.clock.pausedFee') : t('citizen.clock.paused')}
        </span>
      </Tag>
    );
  }
  if (clock === 'not_started') return <span>{t('citizen.clock.not_started')}</span>;
  if (clock === 'stopped' || !dossier.remaining) return <span>{t('citizen.clock.stopped')}</span>;
  return <RemainingTag remaining={dossier.remaining} />;
}

/**
 * The clock of a queue row as the server reports it; until the queue response carries `clock`,
 * the same rule as the server's `clockOf` (dossier.views.ts) on the fields it does send: a supplement
 * or a fee awaited, or a stored pause, stops the clock.
 */
export function queueClock(d: { status: DossierStatus; clock?: Clock; flags?: string[] }): Clock | undefined {
  if (d.clock) return d.clock;
  if (d.status === 'supplement_requested' || d.status === 'fee_requested' || d.flags?.includes('paused')) {
    return 'paused';
  }
  return undefined;
}

/**
 * A queue row's time: "Tạm dừng" while the clock stands still, never a remaining time counting as if
 * it ran. While a fee is awaited the remaining time is frozen (the server counts the pause out) and is
 * shown with it; while a supplement is awaited the time limit restarts from zero once the complete
 * dossier arrives (Decree 118/2025/NĐ-CP art. 19(5)), so there is no remaining time to show.
 */
export function QueueTime({
  dossier,
}: {
  dossier: {
    status: DossierStatus;
    clock?: Clock;
    flags?: string[];
    remaining: R | null;
    stepRemaining: R | null;
    tone: Tone | null;
  };
}) {
  const { t, i18n } = useTranslation();
  const d = dossier;
  if (queueClock(d) === 'paused') {
    const frozen = d.status === 'supplement_requested' ? null : (d.stepRemaining ?? d.remaining);
    const text = frozen ? (i18n.language === 'en' ? frozen.text_en : frozen.text_vi) : null;
    return (
      <Tag color="default" data-testid="queue-paused">
        <span style={{ color: '#000' }}>
          {text ? t('office.pausedWith', { text }) : t('office.paused')}
          {d.status === 'supplement_requested' && ` · ${t('office.pausedSupplement')}`}
        </span>
      </Tag>
    );
  }
  return <RemainingTag remaining={d.stepRemaining ?? d.remaining} tone={d.tone} />;
}
