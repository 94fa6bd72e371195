/**
 * Engagement for managers: the summary figures over a range and one series table
 * (a metric by department, or everyone, per period), both as the API answers them for
 * this person's departments. Hidden figures say why where the number would be, and the
 * privacy floor's notices are listed under the table (format/engagement.ts).
 */
import { call } from '../api/client.js';
import type { Engagement, EngagementSummary } from '../api/types.js';
import { Choice } from '../components/choice.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { useLoad } from '../components/use-load.js';
import { type Reason, cellKey, formatFigure, groupLabel, hiddenCells, hiddenText, unitOfFigure } from '../format/engagement.js';
import { navigate, queryOf } from '../router.js';
import { ENGAGEMENT_FIELDS, GROUPINGS, METRICS, PERIODS, engagementQuery, rangeOf } from './engagement-query.js';
import type { PageProps } from './page.js';

export function EngagementPage({ api, tenant, search }: PageProps) {
  const key = search.toString();
  const query = engagementQuery(search);
  const [summary] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/analytics/engagement/summary', { params: { path: { tenant }, query: rangeOf(query) } })), [tenant, query.from, query.to]);
  const [series] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/analytics/engagement', { params: { path: { tenant }, query } })), [tenant, key]);
  const base = `/ui/${encodeURIComponent(tenant)}/engagement`;
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    navigate(base + queryOf(Object.fromEntries(ENGAGEMENT_FIELDS.map((f) => [f, String(form.get(f) ?? '') || undefined]))));
  };
  return (
    <>
      <PageTitle>Engagement</PageTitle>
      <form key={key} class="filters" onSubmit={submit} aria-label="Engagement range and metric">
        <div class="field"><label for="from">From (local day)</label><input id="from" name="from" type="date" defaultValue={query.from ?? ''} /></div>
        <div class="field"><label for="to">To (local day, included)</label><input id="to" name="to" type="date" defaultValue={query.to ?? ''} /></div>
        <div class="field"><label for="metric">Metric</label><Choice id="metric" value={query.metric} options={METRICS.map((m) => [m, m.replace(/_/g, ' ')] as const)} /></div>
        <div class="field"><label for="period">Period</label><Choice id="period" value={query.period} options={PERIODS} /></div>
        <div class="field"><label for="group_by">By</label><Choice id="group_by" value={query.group_by} options={GROUPINGS.map((g) => [g, g === 'none' ? 'everyone' : g] as const)} /></div>
        <div class="actions"><button type="submit">Show</button></div>
      </form>
      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading">Summary</h2>
        {summary.state === 'loading' ? <Loading what="the summary" /> : !summary.result.ok ? <ProblemView problem={summary.result.problem} wwwAuthenticate={summary.result.wwwAuthenticate} /> : <SummaryTable s={summary.result.data} />}
      </section>
      <section aria-labelledby="series-heading">
        <h2 id="series-heading">By period</h2>
        {series.state === 'loading' ? <Loading what="the series" /> : !series.result.ok ? <ProblemView problem={series.result.problem} wwwAuthenticate={series.result.wwwAuthenticate} /> : <SeriesTable e={series.result.data} />}
      </section>
    </>
  );
}

function Scope({ departments }: { departments: EngagementSummary['departments'] }) {
  return <p class="muted" data-departments={departments === 'all' ? 'all' : departments.join(',')}>{departments === 'all' ? 'All departments.' : departments.length ? `Departments: ${departments.join(', ')}.` : 'No department is yours to see (the directory lists nobody reporting to you).'}</p>;
}

function SummaryTable({ s }: { s: EngagementSummary }) {
  const hidden = new Map<string, Reason>(s.suppressed.map((x) => [x.figure, x.reason]));
  return (
    <>
      <Scope departments={s.departments} />
      <table class="results figures">
        <caption>From {s.from} to {s.to}; nothing about fewer than {s.k} people is shown</caption>
        <thead><tr><th scope="col">Figure</th><th scope="col">Value</th></tr></thead>
        <tbody>
          {Object.entries(s.figures).map(([figure, value]) => {
            const reason = hidden.get(figure);
            return <tr key={figure} data-figure={figure}><th scope="row">{figure.replace(/_/g, ' ')}</th><td>{reason ? <span class="hidden-note">{hiddenText(reason, s.k)}</span> : formatFigure(value, unitOfFigure(figure))}</td></tr>;
          })}
        </tbody>
      </table>
    </>
  );
}

function SeriesTable({ e }: { e: Engagement }) {
  const hidden = hiddenCells(e.suppressed, e.group_by === 'none');
  const notices = [...new Set(e.suppressed.map((s) => hiddenText(s.reason, e.k, s.count)))];
  return (
    <>
      <Scope departments={e.departments} />
      <table class="results series" data-metric={e.metric}>
        <caption>{e.metric.replace(/_/g, ' ')} ({e.unit}) per {e.period}, {e.from} to {e.to}</caption>
        <thead><tr><th scope="col">{e.group_by === 'none' ? 'Group' : e.group_by}</th>{e.periods.map((p) => <th key={p} scope="col">{p}</th>)}</tr></thead>
        <tbody>
          {e.series.map((row) => (
            <tr key={row.group ?? ''}>
              <th scope="row">{groupLabel(row.group)}</th>
              {e.periods.map((p, i) => {
                const reason = hidden.get(cellKey(row.group, p));
                return <td key={p}>{reason ? <span class="hidden-note">{hiddenText(reason, e.k)}</span> : formatFigure(row.values[i], e.unit)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {notices.length ? <ul class="notices" aria-label="Privacy floor">{notices.map((n) => <li key={n} class="notice">{n}</li>)}</ul> : null}
    </>
  );
}
