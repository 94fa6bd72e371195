/**
 * The shell: who is signed in (/auth/me), which tenant (the first path segment
 * under /ui/), what they may do there (GET .../me: granted scopes), then the
 * navigation of the pages they may use and the page of the current path.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, type Api, type Result } from './api/client.js';
import type { Me, SessionInfo } from './api/types.js';
import { Loading } from './components/loading.js';
import { PageTitle } from './components/page-title.js';
import { ProblemView } from './components/problem-view.js';
import { useLoad } from './components/use-load.js';
import { canUse, landingPage, navPages } from './page-access.js';
import { PAGES } from './pages/index.js';
import { SignedOutPage } from './pages/signed-out.js';
import { decodeSegment, matchPath } from './route-match.js';
import { navigate, usePlace, type Place } from './router.js';
import { CATALOGUES, I18n, useT } from './i18n/index.js';
import { LANGUAGES, pickLanguage, storedLanguage, storeLanguage, type Language } from './i18n/language.js';

/** The language (browser's, or the switch's), provided to every page; <html lang> follows it. */
export function App({ api }: { api: Api }) {
  const [lang, setLang] = useState<Language>(() => pickLanguage(navigator.languages ?? [navigator.language], storedLanguage()));
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const choose = (l: Language) => {
    storeLanguage(l);
    setLang(l);
  };
  return (
    <I18n.Provider value={CATALOGUES[lang]}>
      <SkipLink />
      <Switch lang={lang} choose={choose} />
      <Screens api={api} />
    </I18n.Provider>
  );
}

/** The first thing a keyboard reaches on every page, signed in or not. */
function SkipLink() {
  const t = useT();
  return <a class="skip" href="#main">{t.shell.skip}</a>;
}

/** The language switch: one button per other language, named in that language. */
function Switch({ lang, choose }: { lang: Language; choose: (l: Language) => void }) {
  const t = useT();
  return (
    <aside class="lang-switch" aria-label={t.shell.language}>
      {LANGUAGES.filter((l) => l !== lang).map((l) => (
        <button key={l} type="button" lang={l} onClick={() => choose(l)}>{CATALOGUES[l].languageName}</button>
      ))}
    </aside>
  );
}

function Screens({ api }: { api: Api }) {
  const t = useT();
  const place = usePlace();
  // GET .../me once per tenant and page load, started beside /auth/me when the URL names the tenant (one round trip less).
  const meCache = useRef(new Map<string, Promise<Result<Me>>>());
  const meOf = (tenant: string) => {
    let p = meCache.current.get(tenant);
    if (!p) meCache.current.set(tenant, (p = call(api.GET('/v1/tenants/{tenant}/me', { params: { path: { tenant } } }))));
    return p;
  };
  const urlTenant = decodeSegment(/^\/ui\/([^/]+)/.exec(place.path)?.[1] ?? '');
  if (urlTenant && urlTenant !== 'signed-out') void meOf(urlTenant);
  // The page's own first requests too, when it declares them (the dashboard): its data arrives one round trip sooner.
  const earlyStarted = useRef(false);
  if (urlTenant && urlTenant !== 'signed-out' && !earlyStarted.current) {
    earlyStarted.current = true;
    const rest = place.path.replace(/^\/ui\/[^/]+/, '').replace(/\/+$/, '');
    PAGES.find((p) => p.early && matchPath(p.pattern, rest))?.early!(api, urlTenant, place.search);
  }
  const [session] = useLoad(() => call(api.GET('/auth/me')), []);
  const returnTo = place.path.startsWith('/ui/') && place.path !== '/ui/signed-out' ? place.path + (place.search.size ? `?${place.search}` : '') : '/';
  if (session.state === 'loading') return <main id="main"><Loading what={t.shell.session} /></main>;
  if (!session.result.ok) {
    if (session.result.problem.status === 401) return <SignedOutPage returnTo={returnTo} signInOff={session.result.problem.type.endsWith('/no-identity-provider')} />;
    return <main id="main"><PageTitle>Custos</PageTitle><ProblemView problem={session.result.problem} /></main>;
  }
  if (place.path === '/ui/signed-out') return <SignedOutPage returnTo="/" />;
  const roles = session.result.data.roles;
  const tenants = Object.keys(roles).filter((t) => (roles[t] ?? []).length > 0).sort();
  if (!/^\/ui\/[^/]+/.test(place.path)) return <ToTenant tenants={tenants} />;
  if (!urlTenant) return <main id="main"><PageTitle>{t.shell.notFound}</PageTitle><p>{t.shell.invalidAddress}</p></main>;
  return <TenantShell api={api} meOf={meOf} tenant={urlTenant} tenants={tenants} session={session.result.data} place={place} />;
}

function ToTenant({ tenants }: { tenants: string[] }) {
  const t = useT();
  const first = tenants[0];
  useEffect(() => {
    if (first) navigate(`/ui/${encodeURIComponent(first)}`, { replace: true });
  }, [first]);
  if (first) return <main id="main"><Loading what={t.shell.yourPages} /></main>;
  return <main id="main"><PageTitle>{t.shell.noAccess}</PageTitle><p>{t.shell.noAccessText}</p><p><a href="/auth/logout">{t.shell.signOut}</a></p></main>;
}

function TenantShell({ api, meOf, tenant, tenants, session, place }: { api: Api; meOf: (tenant: string) => Promise<Result<Me>>; tenant: string; tenants: string[]; session: SessionInfo; place: Place }) {
  const t = useT();
  const [me] = useLoad(() => meOf(tenant), [tenant]);
  if (me.state === 'loading') return <main id="main"><Loading what={t.shell.yourPages} /></main>;
  if (!me.result.ok) return <main id="main"><PageTitle>Custos</PageTitle><ProblemView problem={me.result.problem} wwwAuthenticate={me.result.wwwAuthenticate} /></main>;
  return <Shell tenant={tenant} tenants={tenants} session={session} me={me.result.data} place={place}><Route api={api} tenant={tenant} me={me.result.data} place={place} /></Shell>;
}

function Shell({ tenant, tenants, session, me, place, children }: { tenant: string; tenants: string[]; session: SessionInfo; me: Me; place: Place; children: ComponentChildren }) {
  const granted = new Set<string>(me.scopes);
  const t = useT();
  const tp = encodeURIComponent(tenant);
  return (
    <>
      <header class="top">
        <a class="brand" href={`/ui/${tp}`}>Custos</a>
        <nav aria-label={t.shell.pages}>
          <ul>
            {navPages(PAGES, granted).map((p) => {
              const href = `/ui/${tp}${p.pattern}`;
              return <li key={p.id}><a href={href} aria-current={place.path === href ? 'page' : undefined}>{t.nav[p.nav!]}</a></li>;
            })}
            {/* Slot for the topics (managers) pages, added with their API; the DPO's subject request pages are entries of PAGES. */}
          </ul>
        </nav>
        <div class="who">
          {tenants.length > 1 ? (
            <nav aria-label={t.shell.tenants}><ul>{tenants.map((x) => <li key={x}><a href={`/ui/${encodeURIComponent(x)}`} aria-current={x === tenant ? 'true' : undefined}>{x}</a></li>)}</ul></nav>
          ) : <span class="tenant">{tenant}</span>}
          <span data-testid="who">{session.name} ({me.roles.join(', ')})</span>
          <a href="/auth/logout">{t.shell.signOut}</a>
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}

function Route({ api, tenant, me, place }: { api: Api; tenant: string; me: Me; place: Place }) {
  const t = useT();
  const granted = new Set<string>(me.scopes);
  const rest = place.path.replace(/^\/ui\/[^/]+/, '').replace(/\/+$/, '');
  const landing = landingPage(PAGES, granted);
  const here = place.path + (place.search.size ? `?${place.search}` : '');
  useEffect(() => {
    if (rest === '' && landing) navigate(`/ui/${encodeURIComponent(tenant)}${landing.pattern}`, { replace: true });
  }, [rest, landing, tenant]);
  if (rest === '') return landing ? <Loading what={t.shell.yourPages} /> : <><PageTitle>{t.shell.nothingToShow}</PageTitle><p>{t.shell.nothingToShowText(tenant, me.roles.join(', '))}</p></>;
  for (const page of PAGES) {
    const params = matchPath(page.pattern, rest);
    if (!params) continue;
    if (!canUse(page, granted)) {
      const missing = page.scopes.filter((s) => !granted.has(s));
      return (
        <div class="problem" role="alert" data-status="403">
          <PageTitle>{t.shell.notAllowed}</PageTitle>
          <p>{t.shell.notAllowedText(tenant, me.roles.join(', '), missing.join(', '))}</p>
        </div>
      );
    }
    const Page = page.component;
    return <Page api={api} tenant={tenant} me={me} params={params} search={place.search} here={here} />;
  }
  return <><PageTitle>{t.shell.notFound}</PageTitle><p>{t.shell.noPage(place.path)}</p></>;
}
