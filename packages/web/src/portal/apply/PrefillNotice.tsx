import { LockOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Result } from 'antd';
import type { CSSProperties, ReactElement, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import './prefill.css';
import './prefillMessages.ts';
import type { FactOrigin } from './useApplyDraft.ts';
import { type FieldMark, type Marks, type usePrefill, useVneidAvailable, vneidStartUrl } from './usePrefill.ts';

const HIDDEN: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
};

/** Verified (green) or from the account (blue); dark text on a pale ground, readable at 12 px. */
const TAG_STYLE: Record<'verified' | 'account', CSSProperties> = {
  verified: { color: '#135200', background: '#f6ffed', borderColor: '#95de64' },
  account: { color: '#10239e', background: '#f0f5ff', borderColor: '#85a5ff' },
};

/** Where a prefilled value came from, small, under the field or beside the reviewed value. */
export function OriginTag({ mark }: { mark: FieldMark }) {
  const { t } = useTranslation();
  const kind = mark.origin === 'account' ? 'account' : 'verified';
  return (
    <span
      data-testid="origin-tag"
      data-origin={mark.origin}
      data-locked={mark.locked ? 'true' : 'false'}
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        gap: 4,
        fontSize: 12,
        lineHeight: '18px',
        padding: '0 6px',
        marginTop: 4,
        border: '1px solid',
        borderRadius: 4,
        maxWidth: '100%',
        ...TAG_STYLE[kind],
      }}
    >
      {kind === 'account' ? <UserOutlined aria-hidden /> : <SafetyCertificateOutlined aria-hidden />}
      <span data-testid="origin-label">{t(`prefill.origin.${mark.origin}`)}</span>
      {mark.locked && (
        <>
          <LockOutlined aria-hidden />
          <span style={HIDDEN}> ({t('prefill.lockedHint')})</span>
        </>
      )}
    </span>
  );
}

type Ui = Record<string, unknown>;
type Node = {
  properties?: Record<string, Node>;
  description?: string;
  type?: unknown;
  enum?: unknown;
  format?: string;
  maxLength?: number;
};

/**
 * The procedure's uiSchema with the prefill's marks laid over it: each marked field gets its
 * origin tag as its description (under the input, read with it by screen readers), after any
 * description it had; a locked one is `ui:readonly` (a long text one a two-line text area, so
 * that an address is seen whole). Paths `group.name` go into nested uiSchema.
 */
export function markedUiSchema(
  schema: Record<string, unknown>,
  uiSchema: Ui | null | undefined,
  marks: Marks,
): Ui | null | undefined {
  const paths = Object.keys(marks);
  if (paths.length === 0) return uiSchema;
  let out: Ui = { ...(uiSchema ?? {}) };
  for (const path of paths) {
    const keys = path.split('.');
    let node: Node | undefined = schema as Node;
    for (const k of keys) node = node?.properties?.[k];
    if (!node) continue;
    out = setUi(out, keys, (ui) => {
      const own = (ui['ui:description'] as ReactNode | undefined) ?? node?.description;
      const tag = <OriginTag mark={marks[path]!} />;
      const description: ReactElement = own ? (
        <>
          <span style={{ display: 'block' }}>{own}</span>
          {tag}
        </>
      ) : (
        tag
      );
      const locked = marks[path]!.locked;
      // A locked address cannot be scrolled through (the input is disabled): on two lines it is read whole on a phone.
      const long =
        locked &&
        node?.type === 'string' &&
        !node.enum &&
        !node.format &&
        (node.maxLength ?? 0) > 200 &&
        ui['ui:widget'] === undefined;
      return {
        ...ui,
        'ui:description': description,
        ...(locked ? { 'ui:readonly': true } : {}),
        ...(long ? { 'ui:widget': 'textarea', 'ui:options': { ...(ui['ui:options'] as Ui), rows: 2 } } : {}),
      };
    });
  }
  return out;
}

function setUi(ui: Ui, keys: string[], f: (ui: Ui) => Ui): Ui {
  const [head, ...rest] = keys;
  if (!head) return ui;
  const child = (ui[head] && typeof ui[head] === 'object' ? ui[head] : {}) as Ui;
  return { ...ui, [head]: rest.length === 0 ? f(child) : setUi(child, rest, f) };
}

/** The distinct origins in use, verified ones first: "Từ VNeID", "Từ CSDL quốc gia về dân cư". */
function originsOf(marks: Marks, locked: boolean): FactOrigin[] {
  const order: FactOrigin[] = ['population_register', 'business_registry', 'vneid', 'account'];
  const used = new Set(
    Object.values(marks)
      .filter((m) => m.locked === locked)
      .map((m) => m.origin),
  );
  return order.filter((o) => used.has(o));
}

/**
 * Above the form: while the registers are read, a status line; then one explanation of the tags,
 * a warning for each register that did not answer, the "fill again" button (VNeID sessions), or
 * for a password session the invitation to sign in with VNeID.
 */
export function PrefillNotice({ prefill }: { prefill: ReturnType<typeof usePrefill> }) {
  const { t } = useTranslation();
  const vneid = useVneidAvailable();
  if (!prefill.enabled) return null;
  const locked = originsOf(prefill.marks, true);
  const unlocked = originsOf(prefill.marks, false);
  const quote = (o: FactOrigin) => `“${t(`prefill.origin.${o}`)}”`;
  const labels = locked.map(quote).join(` ${t('prefill.or')} `);
  return (
    <div data-testid="prefill-notice" style={{ display: 'grid', gap: 8, marginBottom: 16 }}>
      <div role="status" aria-live="polite" style={{ fontSize: 13, color: '#595959', minHeight: 0 }}>
        {prefill.loading ? t('prefill.loading') : prefill.refilled ? t('prefill.refillDone') : ''}
      </div>
      {locked.length > 0 && (
        <Alert
          type="info"
          showIcon
          data-testid="prefill-explain"
          title={t('prefill.explainTitle')}
          description={t('prefill.explain', { labels })}
        />
      )}
      {unlocked.includes('account') && locked.length === 0 && (
        <Alert type="info" showIcon title={t('prefill.accountFilled')} />
      )}
      {prefill.failures.map((f) => (
        <Alert
          key={f.register}
          type="warning"
          showIcon
          data-testid="prefill-failure"
          data-register={f.register}
          title={t(`prefill.failure.${f.register}`)}
        />
      ))}
      {prefill.error && (
        <Alert
          type="warning"
          showIcon
          data-testid="prefill-failure"
          title={t('prefill.requestFailed', { error: prefill.error })}
        />
      )}
      {!prefill.viaVneid && vneid && (
        <Alert
          type="info"
          showIcon
          data-testid="prefill-vneid-invite"
          title={t('prefill.passwordSession')}
          description={
            <>
              <p style={{ margin: '0 0 8px' }}>{t('prefill.passwordSessionText')}</p>
              <a href={vneidStartUrl()} data-testid="prefill-vneid-login">
                {t('prefill.vneidLogin')}
              </a>
            </>
          }
        />
      )}
      {prefill.viaVneid && (
        <div>
          <Button onClick={() => void prefill.refill()} loading={prefill.loading} data-testid="prefill-refill">
            {t('prefill.refill')}
          </Button>
        </div>
      )}
    </div>
  );
}

/**
 * The procedure asks for a VNeID level the session does not have (Decree 69/2024/NĐ-CP art. 12):
 * said before the wizard, with the VNeID sign-in that comes back here, instead of a form the
 * submission would refuse.
 */
export function IdentityLevelRequired(props: {
  procedureId: string;
  procedureName: string;
  level: 1 | 2;
  actual: 1 | 2 | null;
}) {
  const { t } = useTranslation();
  const vneid = useVneidAvailable();
  return (
    <Result
      status="warning"
      title={<h1 style={{ fontSize: 22, margin: 0 }}>{props.procedureName}</h1>}
      subTitle={
        <div data-testid="identity-level-required" style={{ maxWidth: 560, margin: '0 auto' }}>
          <p style={{ fontSize: 16, fontWeight: 600, color: '#262626', margin: '0 0 8px' }}>
            {t('prefill.level.title', { level: props.level })}
          </p>
          <p style={{ margin: '0 0 8px' }}>
            {props.actual === null
              ? t('prefill.level.password', { level: props.level })
              : t('prefill.level.lower', { level: props.level, actual: props.actual })}
          </p>
          <p style={{ margin: 0 }}>{vneid ? t('prefill.level.counter') : t('prefill.level.noVneid')}</p>
        </div>
      }
      extra={[
        ...(vneid
          ? [
              <Button key="vneid" type="primary" size="large" href={vneidStartUrl()} data-testid="level-vneid-login">
                {t('prefill.vneidLogin')}
              </Button>,
            ]
          : []),
        <Link key="back" to={`/procedures/${props.procedureId}`}>
          {t('apply.toProcedure')}
        </Link>,
      ]}
    />
  );
}
