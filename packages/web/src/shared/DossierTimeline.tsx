import { Timeline } from 'antd';
import { useTranslation } from 'react-i18next';
import type { HistoryItem } from '../api/types.ts';
import { fmtDate, fmtDateTime, fmtVnd, pick } from '../format.ts';

/**
 * A history item as the API returns it: officers get the actor and the internal note; the applicant
 * gets the public history (server: dossier.applicant.ts) — no note but their own, no staff name,
 * the message they were sent and the public details of the event (items, reasons, appointments).
 */
type Item = HistoryItem;
const publicItem = (h: Item) => ('details' in h ? h : null);
const self = (h: Item) => 'self' in h.actor && h.actor.self;

function Details({ h }: { h: Item }) {
  const { t, i18n } = useTranslation();
  const pub = publicItem(h);
  const d = pub?.details ?? {};
  const step = h.step && h.type === 'forwarded' ? pick(h.step, i18n.language, 'name') : '';
  return (
    <>
      {step && (
        <div style={{ fontSize: 13 }}>
          {step}
          {pub?.stepAgency ? ` (${pub.stepAgency})` : ''}
        </div>
      )}
      {d.due && h.type === 'received' && (
        <div style={{ fontSize: 13 }}>{t('citizen.appointment', { date: fmtDate(d.due) })}</div>
      )}
      {d.items && d.items.length > 0 && (
        <div style={{ fontSize: 13 }}>
          {t('citizen.items')}:
          <ul style={{ margin: 0 }}>
            {d.items.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </div>
      )}
      {d.reasons && d.reasons.length > 0 && (
        <div style={{ fontSize: 13 }}>
          {t('citizen.reasons')}:
          <ul style={{ margin: 0 }}>
            {d.reasons.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </div>
      )}
      {d.newDue && (
        <div style={{ fontSize: 13 }}>
          {t('citizen.newAppointment', { date: fmtDate(d.newDue), previous: fmtDate(d.previousDue) })}
        </div>
      )}
      {d.reason && (
        <div style={{ fontSize: 13 }}>
          {t('citizen.reasons')}: {d.reason}
        </div>
      )}
      {typeof d.amount === 'number' && (
        <div style={{ fontSize: 13 }}>{t('citizen.fee', { amount: fmtVnd(d.amount) })}</div>
      )}
      {d.method && (
        <div style={{ fontSize: 13 }}>{t(`citizen.returnMethod.${d.method}`, { defaultValue: d.method })}</div>
      )}
    </>
  );
}

/** The dossier's history as a timeline: what happened, when, by whom (staff view), what the applicant was told. */
export function DossierTimeline({ items, showActors = true }: { items: HistoryItem[]; showActors?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <Timeline
      items={items.map((h) => ({
        key: h.version,
        content: (
          <div data-testid="timeline-item">
            <strong>{t(`history.${h.type}`, { defaultValue: h.type })}</strong> — {fmtDateTime(h.at)}
            <div style={{ fontSize: 13 }}>
              {pick(h.statusAfter, i18n.language)}
              {self(h) ? ` · ${t('citizen.byYou')}` : ''}
              {!self(h) && showActors && h.actor.name
                ? ` · ${h.actor.name}${h.actor.agency ? ` (${h.actor.agency})` : ''}`
                : ''}
              {!self(h) && !showActors && h.actor.agency ? ` · ${h.actor.agency}` : ''}
            </div>
            <Details h={h} />
            {h.message && (
              <div style={{ fontSize: 13 }} data-testid="timeline-message">
                {t('citizen.message')}: {h.message}
              </div>
            )}
            {h.note && (
              <div style={{ fontSize: 13, fontStyle: 'italic' }}>
                {self(h) ? `${t('citizen.yourNote')}: ` : ''}
                {h.note}
              </div>
            )}
          </div>
        ),
      }))}
    />
  );
}
