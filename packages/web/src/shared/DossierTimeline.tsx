import { Timeline } from 'antd';
import { useTranslation } from 'react-i18next';
import type { HistoryItem } from '../api/types.ts';
import { fmtDateTime, pick } from '../format.ts';

/** The dossier's history as a timeline: what happened, when, by whom, with the note. */
export function DossierTimeline({ items, showActors = true }: { items: HistoryItem[]; showActors?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <Timeline
      items={items.map((h) => ({
        key: h.version,
        content: (
          <div>
            <strong>{t(`history.${h.type}`, { defaultValue: h.type })}</strong> — {fmtDateTime(h.at)}
            <div style={{ fontSize: 13 }}>
              {pick(h.statusAfter, i18n.language)}
              {showActors && h.actor?.name ? ` · ${h.actor.name}${h.actor.agency ? ` (${h.actor.agency})` : ''}` : ''}
            </div>
            {h.note && <div style={{ fontSize: 13, fontStyle: 'italic' }}>{h.note}</div>}
          </div>
        ),
      }))}
    />
  );
}
