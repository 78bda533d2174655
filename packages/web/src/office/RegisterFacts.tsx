import { Alert, Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import type { paths } from '../api/schema';
import { fmtDate } from '../format.ts';
import '../shared/identityMessages.ts';
import { VerifiedTag } from './FormDataView.tsx';

export type CounterApplicant =
  paths['/api/v1/counter/applicants']['get']['responses'][200]['content']['application/json'];

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A date of birth as dd/MM/yyyy; a bare day is not moved by the browser's time zone. */
const day = (v: string | null) => {
  const m = v ? ISO_DAY.exec(v) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]}` : fmtDate(v);
};

/**
 * What the national register says of the walk-in applicant (issue 17), shown at the counter as
 * verified: a person's name, date of birth, sex, residences and head of household from the
 * population DB, or a business's name, seat and legal representative from the business registry.
 * When the register failed, a warning: the receptionist types from the papers and goes on.
 */
export function RegisterFacts({ applicant }: { applicant: CounterApplicant }) {
  const { t } = useTranslation();
  const r = applicant.register;
  if (!r) {
    if (!applicant.registerFailure || applicant.registerFailure === 'not_found') return null;
    const business = applicant.kind === 'organization' || applicant.source === 'business_registry';
    return (
      <Alert
        type="warning"
        showIcon
        data-testid="walkin-register-failure"
        style={{ gridColumn: '1 / -1', marginBottom: 16 }}
        title={t(business ? 'identity.register.failureBusiness' : 'identity.register.failurePerson')}
      />
    );
  }
  const person = r.source === 'population_register';
  const rows: [string, string | null][] = person
    ? [
        ['name', r.name],
        ['dateOfBirth', r.dateOfBirth ? day(r.dateOfBirth) : null],
        ['sex', r.sex ? t(`identity.register.sexes.${r.sex}`) : null],
        ['permanentResidence', r.permanentResidence],
        ['currentResidence', r.currentResidence],
        ['householdHeadName', r.householdHeadName],
      ]
    : [
        ['businessName', r.name],
        ['seat', r.permanentResidence],
        ['legalRepresentative', r.legalRepresentative],
      ];
  return (
    <section
      aria-labelledby="walkin-register-title"
      data-testid="walkin-register"
      style={{
        gridColumn: '1 / -1',
        marginBottom: 16,
        border: '1px solid #b7eb8f',
        background: '#f6ffed',
        borderRadius: 6,
        padding: 12,
      }}
    >
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', gap: 4, marginBottom: 8 }}>
        <h2 id="walkin-register-title" style={{ fontSize: 15, margin: 0 }}>
          {t(person ? 'identity.register.personTitle' : 'identity.register.businessTitle')}
        </h2>
        <VerifiedTag origin={r.source} />
      </div>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 1, md: 2, lg: 3 }}
        items={rows
          .filter(([, v]) => v)
          .map(([k, v]) => ({
            key: k,
            label: t(`identity.register.${k}`),
            children: <span data-testid={`walkin-register-${k}`}>{v}</span>,
          }))}
      />
      <div style={{ fontSize: 13, color: '#135200' }}>{t('identity.register.verifiedNote')}</div>
    </section>
  );
}
