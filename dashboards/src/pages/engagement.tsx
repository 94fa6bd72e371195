/**
 * Engagement for managers: the summary figures over a range and one series table
 * (a metric by department, or everyone, per period), both as the API answers them for
 * this person's departments. Hidden figures say why where the number would be, and the
 * privacy floor's notices are listed under the table (format/engagement.ts).
 */
import { call, type Api } from '../api/client.js';
import { startEarly, takeEarly } from '../api/early.js';
import type { Engagement, EngagementSummary } from '../api/types.js';
import { Choice } from '../components/choice.js';
import { Loading } from '../components/loading.js';
import { Time } from '../components/time.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { useLoad } from '../components/use-load.js';
import { type Reason, cellKey, formatFigure, groupLabel, hiddenCells, hiddenText, unitOfFigure } from '../format/engagement.js';
import { navigate, queryOf } from '../router.js';
import { ENGAGEMENT_FIELDS, GROUPINGS, METRICS, PERIODS, engagementQuery, rangeOf } from './engagement-query.js';
import { useLang, useT, type Messages } from '../i18n/index.js';
import { SeriesChart } from '../components/series-chart.js';
import type { PageProps } from './page.js';

/** The page's two requests, keyed for api/early.ts. */
function loads(api: Api, tenant: string, search: URLSearchParams) {
  const query = engagementQuery(search);
  return {
    query,
    summaryKey: `engagement-summary|${tenant}|${query.from ?? ''}|${query.to ?? ''}`,
    summary: () => call(api.GET('/v1/tenants/{tenant}/analytics/engagement/summary', { params: { path: { tenant }, query: rangeOf(query) } })),
    seriesKey: `engagement|${tenant}|${search.toString()}`,
    series: () => call(api.GET('/v1/tenants/{tenant}/analytics/engagement', { params: { path: { tenant }, query } })),
  };
}

/** Both requests at page load, beside the shell's own (pages/index.ts `early`). */
export function startEngagementLoads(api: Api, tenant: string, search: URLSearchParams): void {
  const l = loads(api, tenant, search);
  startEarly(l.seriesKey, l.series);
  startEarly(l.summaryKey, l.summary);
}

export function EngagementPage({ api, tenant, search }: PageProps) {
  const t = useT().engagement;
  const key = search.toString();
  const l = loads(api, tenant, search);
  const query = l.query;
  const [summary] = useLoad(() => takeEarly(l.summaryKey, l.summary), [tenant, query.from, query.to]);
  const [series] = useLoad(() => takeEarly(l.seriesKey, l.series), [tenant, key]);
  const base = `/ui/${encodeURIComponent(tenant)}/engagement`;
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    navigate(base + queryOf(Object.fromEntries(ENGAGEMENT_FIELDS.map((f) => [f, String(form.get(f) ?? '') || undefined]))));
  };
  return (
    <>
      <PageTitle>{t.title}</PageTitle>
      <form key={key} class="filters" onSubmit={submit} aria-label={t.form}>
        <div class="field"><label for="from">{t.from}</label><input id="from" name="from" type="date" defaultValue={query.from ?? ''} /></div>
        <div class="field"><label for="to">{t.to}</label><input id="to" name="to" type="date" defaultValue={query.to ?? ''} /></div>
        <div class="field"><label for="metric">{t.metric}</label><Choice id="metric" value={query.metric} options={METRICS.map((m) => [m, metricName(m, t)] as const)} /></div>
        <div class="field"><label for="period">{t.period}</label><Choice id="period" value={query.period} options={PERIODS.map((p) => [p, t.periods[p] ?? p] as const)} /></div>
        <div class="field"><label for="group_by">{t.by}</label><Choice id="group_by" value={query.group_by} options={GROUPINGS.map((g) => [g, t.groupings[g] ?? g] as const)} /></div>
        <div class="actions"><button type="submit">{t.show}</button></div>
      </form>
      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading">{t.summary}</h2>
        {summary.state === 'loading' ? <Loading what={t.summaryLoading} /> : !summary.result.ok ? <ProblemView problem={summary.result.problem} wwwAuthenticate={summary.result.wwwAuthenticate} /> : <SummaryTable s={summary.result.data} />}
      </section>
      <section aria-labelledby="series-heading">
        <h2 id="series-heading">{t.byPeriod}</h2>
        {series.state === 'loading' ? <Loading what={t.seriesLoading} /> : !series.result.ok ? <ProblemView problem={series.result.problem} wwwAuthenticate={series.result.wwwAuthenticate} /> : <SeriesTable e={series.result.data} />}
      </section>
    </>
  );
}

/** Whose figures these are, and how fresh: an answer may lag live ingest by the server's staleness window. */
function Scope({ departments, asOf }: { departments: EngagementSummary['departments']; asOf: string }) {
  const t = useT().engagement;
  return (
    <p class="muted" data-departments={departments === 'all' ? 'all' : departments.join(',')} data-as-of={asOf}>
      {departments === 'all' ? t.allDepartments : departments.length ? t.departments(departments.join(', ')) : t.noDepartment} {t.asOf} <Time iso={asOf} />
    </p>
  );
}

function SummaryTable({ s }: { s: EngagementSummary }) {
  const t = useT().engagement;
  const locale = useLang();
  const hidden = new Map<string, Reason>(s.suppressed.map((x) => [x.figure, x.reason]));
  return (
    <>
      <Scope departments={s.departments} asOf={s.as_of} />
      <table class="results figures">
        <caption>{t.summaryCaption(s.from, s.to, s.k)}</caption>
        <thead><tr><th scope="col">{t.figure}</th><th scope="col">{t.value}</th></tr></thead>
        <tbody>
          {Object.entries(s.figures).map(([figure, value]) => {
            const reason = hidden.get(figure);
            return <tr key={figure} data-figure={figure}><th scope="row">{metricName(figure, t)}</th><td>{reason ? <span class="hidden-note">{hiddenText(reason, s.k, undefined, t, locale)}</span> : formatFigure(value, unitOfFigure(figure), locale)}</td></tr>;
          })}
        </tbody>
      </table>
    </>
  );
}

function SeriesTable({ e }: { e: Engagement }) {
  const t = useT().engagement;
  const locale = useLang();
  const hidden = hiddenCells(e.suppressed, e.group_by === 'none');
  const notices = [...new Set(e.suppressed.map((s) => hiddenText(s.reason, e.k, s.count, t, locale)))];
  return (
    <>
      <Scope departments={e.departments} asOf={e.as_of} />
      <SeriesChart e={e} title={t.chart(metricName(e.metric, t))} />
      <table class="results series" data-metric={e.metric}>
        <caption>{t.seriesCaption(metricName(e.metric, t), t.units[e.unit] ?? e.unit, t.periods[e.period] ?? e.period, e.from, e.to)}</caption>
        <thead><tr><th scope="col">{e.group_by === 'none' ? t.group : t.groupings[e.group_by] ?? e.group_by}</th>{e.periods.map((p) => <th key={p} scope="col">{p}</th>)}</tr></thead>
        <tbody>
          {e.series.map((row) => (
            <tr key={row.group ?? ''}>
              <th scope="row">{groupLabel(row.group, t)}</th>
              {e.periods.map((p, i) => {
                const reason = hidden.get(cellKey(row.group, p));
                return <td key={p}>{reason ? <span class="hidden-note">{hiddenText(reason, e.k, undefined, t, locale)}</span> : formatFigure(row.values[i], e.unit, locale)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {notices.length ? <ul class="notices" aria-label={t.privacyFloor}>{notices.map((n) => <li key={n} class="notice">{n}</li>)}</ul> : null}
    </>
  );
}

/** A metric's or figure's name in the page's language (the API's key when the catalogue has none). */
function metricName(key: string, t: Messages['engagement']): string {
  return t.metrics[key] ?? key.replace(/_/g, ' ');
}
