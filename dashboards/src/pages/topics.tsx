/**
 * Topics for managers (docs/topics.md): one view at a time of what groups talk about
 * (top terms and phrases, trending terms, recurring topics, bottlenecks, training
 * needs, sentiment), per department, conversation or everyone in scope, per week or
 * month, as the API answers it for this person's departments. The API never sends
 * message text; a cell under the privacy floor is listed with its reason where it
 * would be. A compliance officer's answer carries, per term, the query of the normal
 * (audited) search, which the term links to; nobody else's does.
 */
import { call } from '../api/client.js';
import type { Topics } from '../api/types.js';
import { Choice } from '../components/choice.js';
import { Loading } from '../components/loading.js';
import { PageTitle } from '../components/page-title.js';
import { ProblemView } from '../components/problem-view.js';
import { SeriesChart } from '../components/series-chart.js';
import { useLoad } from '../components/use-load.js';
import { cellKey, formatFigure, groupLabel, hiddenCells, hiddenText } from '../format/engagement.js';
import { useLang, useT, type Messages } from '../i18n/index.js';
import { navigate, queryOf } from '../router.js';
import { COLUMNS, GROUPINGS, PERIODS, TOPICS_FIELDS, VIEWS, type View, searchLink, topicsQuery } from './topics-query.js';
import type { PageProps } from './page.js';

type Tm = Messages['topics'];

export function TopicsPage({ api, tenant, search }: PageProps) {
  const t = useT().topics;
  const key = search.toString();
  const query = topicsQuery(search);
  const [answer] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/analytics/topics', { params: { path: { tenant }, query } })), [tenant, key]);
  const base = `/ui/${encodeURIComponent(tenant)}/topics`;
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    navigate(base + queryOf(Object.fromEntries(TOPICS_FIELDS.map((f) => [f, String(form.get(f) ?? '') || undefined]))));
  };
  const viewHref = (v: View) => base + queryOf({ view: v === 'terms' ? undefined : v, period: search.get('period') ?? undefined, group_by: search.get('group_by') ?? undefined, from: search.get('from') ?? undefined, to: search.get('to') ?? undefined });
  return (
    <>
      <PageTitle>{t.title}</PageTitle>
      <p class="muted">{t.noText}</p>
      <nav aria-label={t.views}>
        <ul class="tabs">{VIEWS.map((v) => <li key={v}><a href={viewHref(v)} aria-current={v === query.view ? 'page' : undefined}>{t.viewNames[v]}</a></li>)}</ul>
      </nav>
      <form key={key} class="filters" onSubmit={submit} aria-label={t.form}>
        <input type="hidden" name="view" value={query.view} />
        <div class="field"><label for="from">{t.from}</label><input id="from" name="from" type="date" defaultValue={query.from ?? ''} /></div>
        <div class="field"><label for="to">{t.to}</label><input id="to" name="to" type="date" defaultValue={query.to ?? ''} /></div>
        <div class="field"><label for="period">{t.period}</label><Choice id="period" value={query.period} options={PERIODS.map((p) => [p, t.periods[p] ?? p] as const)} /></div>
        <div class="field"><label for="group_by">{t.by}</label><Choice id="group_by" value={query.group_by} options={GROUPINGS.map((g) => [g, t.groupings[g] ?? g] as const)} /></div>
        <div class="actions"><button type="submit">{t.show}</button></div>
      </form>
      <section aria-labelledby="topics-heading">
        <h2 id="topics-heading" data-view={query.view}>{t.viewNames[query.view]}</h2>
        <p class="muted">{t.viewHelp[query.view]}</p>
        {answer.state === 'loading' ? <Loading what={t.loading} /> : !answer.result.ok ? <ProblemView problem={answer.result.problem} wwwAuthenticate={answer.result.wwwAuthenticate} /> : <Answer a={answer.result.data} tenant={tenant} />}
      </section>
    </>
  );
}

function Answer({ a, tenant }: { a: Topics; tenant: string }) {
  const t = useT().topics;
  const te = useT().engagement;
  const locale = useLang();
  const hidden = hiddenCells(a.suppressed, a.group_by === 'none');
  const notices = [...new Set(a.suppressed.map((s) => hiddenText(s.reason, a.k, s.count, te, locale)))];
  const charted = chartedFigures(a, t);
  return (
    <div data-topics-loaded={a.view}>
      <p class="muted" data-departments={a.departments === 'all' ? 'all' : a.departments.join(',')}>{a.departments === 'all' ? te.allDepartments : a.departments.length ? te.departments(a.departments.join(', ')) : te.noDepartment}</p>
      {charted.map((c) => <SeriesChart key={c.title} e={{ ...a, series: c.series }} title={t.chart(c.title)} />)}
      {a.series.length ? <SeriesTables a={a} hidden={hidden} /> : null}
      {a.tables.map((table) => <TermTable key={`${table.period}|${table.group ?? ''}`} a={a} table={table} tenant={tenant} />)}
      {a.tables.length === 0 && a.series.length === 0 ? <p>{t.nothing}</p> : null}
      {a.suppressed.length ? (
        <details class="hidden-cells">
          <summary>{t.hiddenCells} ({formatFigure(a.suppressed.length, 'count', locale)})</summary>
          <ul>{a.suppressed.map((s) => {
            const why = hiddenText(s.reason, a.k, s.count, te, locale);
            // Small conversations are counted per period, never named: no group to say.
            return <li key={`${s.period}|${s.group ?? ''}|${s.reason}`}>{s.reason === 'conversation_under_k_members' ? t.hiddenInPeriod(s.period, why) : t.hiddenAt(s.period, s.group === null ? te.everyoneInScope : groupLabel(s.group, te), why)}</li>;
          })}</ul>
        </details>
      ) : null}
      {notices.length ? <ul class="notices" aria-label={te.privacyFloor}>{notices.map((n) => <li key={n} class="notice">{n}</li>)}</ul> : null}
      <p class="muted">{t.analyzer(a.analyzer.name, a.analyzer.version)}</p>
    </div>
  );
}

/** The figures drawn as charts: the sentiment trend, and each trending term's share; the others are tables. */
function chartedFigures(a: Topics, t: Tm): { title: string; series: Topics['series'] }[] {
  if (a.view === 'sentiment') return [{ title: t.figures.sentiment ?? 'sentiment', series: a.series.filter((s) => s.figure === 'sentiment') }];
  if (a.view === 'trends') {
    const terms = [...new Set(a.series.map((s) => s.figure).filter((f) => f.startsWith('rate:')))];
    return terms.slice(0, 4).map((f) => ({ title: t.rate(f.slice('rate:'.length)), series: a.series.filter((s) => s.figure === f) }));
  }
  return [];
}

function figureName(figure: string, t: Tm): string {
  return figure.startsWith('rate:') ? t.rate(figure.slice('rate:'.length)) : t.figures[figure] ?? figure.replace(/_/g, ' ');
}

/** One table per figure: a row per group, a column per period, hidden cells say why. */
function SeriesTables({ a, hidden }: { a: Topics; hidden: Map<string, Parameters<typeof hiddenText>[0]> }) {
  const t = useT().topics;
  const te = useT().engagement;
  const locale = useLang();
  const figures = [...new Set(a.series.map((s) => s.figure))];
  return (
    <>
      {figures.map((figure) => (
        <table key={figure} class="results series" data-figure={figure}>
          <caption>{t.seriesCaption(figureName(figure, t), t.periods[a.period] ?? a.period, a.from, a.to)}</caption>
          <thead><tr><th scope="col">{a.group_by === 'none' ? te.group : t.groupings[a.group_by] ?? a.group_by}</th>{a.periods.map((p) => <th key={p} scope="col">{p}</th>)}</tr></thead>
          <tbody>
            {a.series.filter((s) => s.figure === figure).map((row) => (
              <tr key={row.group ?? ''}>
                <th scope="row">{groupLabel(row.group, te)}</th>
                {a.periods.map((p, i) => {
                  const reason = hidden.get(cellKey(row.group, p));
                  return <td key={p}>{reason ? <span class="hidden-note">{hiddenText(reason, a.k, undefined, te, locale)}</span> : figure === 'sentiment' ? tone(row.values[i], locale) : formatFigure(row.values[i], unitOf(figure), locale)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}

/** The mean tone (-1..1) with its sign and two decimals: weekly means differ in the second decimal. */
function tone(v: number | null | undefined, locale: string): string {
  return v === null || v === undefined ? '—' : new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' }).format(v);
}

const unitOf = (figure: string) => (figure.startsWith('rate:') ? 'ratio' : figure === 'median_wait_s' ? 'seconds' : 'count');

/** A ranked list of terms for one period and group; the term links to the search when the API gave its query (compliance officers). */
function TermTable({ a, table, tenant }: { a: Topics; table: Topics['tables'][number]; tenant: string }) {
  const t = useT().topics;
  const te = useT().engagement;
  const locale = useLang();
  const view = a.view as View;
  const group = table.group === null ? te.everyoneInScope : groupLabel(table.group, te);
  const caption = a.view === 'recurring' ? t.rangeCaption(t.viewNames[view] ?? view, group, a.from, a.to) : t.caption(t.viewNames[view] ?? view, group, table.period);
  return (
    <table class="results terms" data-period={table.period} data-group={table.group ?? ''}>
      <caption>{caption}</caption>
      <thead><tr><th scope="col">{t.term}</th><th scope="col">{t.kind}</th>{COLUMNS[view].map((c) => <th key={c.key} scope="col">{t.cols[c.key] ?? c.key}</th>)}</tr></thead>
      <tbody>
        {table.rows.map((r) => (
          <tr key={`${r.kind}|${r.term}`} data-term={r.term}>
            <th scope="row">
              {r.search ? <a href={searchLink(tenant, r.search)} aria-label={t.searchFor(r.display)}>{r.display}</a> : r.display}
              {r.forms.length > 1 ? <span class="muted forms"> ({t.alsoWritten(r.forms.join(', '))})</span> : null}
            </th>
            <td>{t.kinds[r.kind] ?? r.kind}</td>
            {COLUMNS[view].map((c) => <td key={c.key}>{cell(r[c.key], c.unit, locale)}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function cell(v: unknown, unit: 'count' | 'ratio' | 'seconds' | 'score', locale: string): string {
  if (typeof v !== 'number') return '—';
  if (unit === 'score') return new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 }).format(v);
  return formatFigure(v, unit, locale);
}
