/**
 * The shell: who is signed in (/auth/me), which tenant (the first path segment
 * under /ui/), what they may do there (GET .../me: granted scopes), then the
 * navigation of the pages they may use and the page of the current path.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
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

export function App({ api }: { api: Api }) {
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
  const [session] = useLoad(() => call(api.GET('/auth/me')), []);
  const returnTo = place.path.startsWith('/ui/') && place.path !== '/ui/signed-out' ? place.path + (place.search.size ? `?${place.search}` : '') : '/';
  if (session.state === 'loading') return <main id="main"><Loading what="your session" /></main>;
  if (!session.result.ok) {
    if (session.result.problem.status === 401) return <SignedOutPage returnTo={returnTo} signInOff={session.result.problem.type.endsWith('/no-identity-provider')} />;
    return <main id="main"><PageTitle>Custos</PageTitle><ProblemView problem={session.result.problem} /></main>;
  }
  if (place.path === '/ui/signed-out') return <SignedOutPage returnTo="/" />;
  const roles = session.result.data.roles;
  const tenants = Object.keys(roles).filter((t) => (roles[t] ?? []).length > 0).sort();
  if (!/^\/ui\/[^/]+/.test(place.path)) return <ToTenant tenants={tenants} />;
  if (!urlTenant) return <main id="main"><PageTitle>Page not found</PageTitle><p>This address is not valid.</p></main>;
  return <TenantShell api={api} meOf={meOf} tenant={urlTenant} tenants={tenants} session={session.result.data} place={place} />;
}

function ToTenant({ tenants }: { tenants: string[] }) {
  const first = tenants[0];
  useEffect(() => {
    if (first) navigate(`/ui/${encodeURIComponent(first)}`, { replace: true });
  }, [first]);
  if (first) return <main id="main"><Loading what="your pages" /></main>;
  return <main id="main"><PageTitle>No access yet</PageTitle><p>You are signed in, but you hold no role in any tenant. Ask an administrator for one.</p><p><a href="/auth/logout">Sign out</a></p></main>;
}

function TenantShell({ api, meOf, tenant, tenants, session, place }: { api: Api; meOf: (tenant: string) => Promise<Result<Me>>; tenant: string; tenants: string[]; session: SessionInfo; place: Place }) {
  const [me] = useLoad(() => meOf(tenant), [tenant]);
  if (me.state === 'loading') return <main id="main"><Loading what="your pages" /></main>;
  if (!me.result.ok) return <main id="main"><PageTitle>Custos</PageTitle><ProblemView problem={me.result.problem} wwwAuthenticate={me.result.wwwAuthenticate} /></main>;
  return <Shell tenant={tenant} tenants={tenants} session={session} me={me.result.data} place={place}><Route api={api} tenant={tenant} me={me.result.data} place={place} /></Shell>;
}

function Shell({ tenant, tenants, session, me, place, children }: { tenant: string; tenants: string[]; session: SessionInfo; me: Me; place: Place; children: ComponentChildren }) {
  const granted = new Set<string>(me.scopes);
  const t = encodeURIComponent(tenant);
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href={`/ui/${t}`}>Custos</a>
        <nav aria-label="Pages">
          <ul>
            {navPages(PAGES, granted).map((p) => {
              const href = `/ui/${t}${p.pattern}`;
              return <li key={p.id}><a href={href} aria-current={place.path === href ? 'page' : undefined}>{p.nav}</a></li>;
            })}
          </ul>
        </nav>
        <div class="who">
          {tenants.length > 1 ? (
            <nav aria-label="Tenants"><ul>{tenants.map((x) => <li key={x}><a href={`/ui/${encodeURIComponent(x)}`} aria-current={x === tenant ? 'true' : undefined}>{x}</a></li>)}</ul></nav>
          ) : <span class="tenant">{tenant}</span>}
          <span data-testid="who">{session.name} ({me.roles.join(', ')})</span>
          <a href="/auth/logout">Sign out</a>
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}

function Route({ api, tenant, me, place }: { api: Api; tenant: string; me: Me; place: Place }) {
  const granted = new Set<string>(me.scopes);
  const rest = place.path.replace(/^\/ui\/[^/]+/, '').replace(/\/+$/, '');
  const landing = landingPage(PAGES, granted);
  const here = place.path + (place.search.size ? `?${place.search}` : '');
  useEffect(() => {
    if (rest === '' && landing) navigate(`/ui/${encodeURIComponent(tenant)}${landing.pattern}`, { replace: true });
  }, [rest, landing, tenant]);
  if (rest === '') return landing ? <Loading what="your pages" /> : <><PageTitle>Nothing to show</PageTitle><p>Your roles in {tenant} ({me.roles.join(', ')}) open none of the pages of this version of the web UI.</p></>;
  for (const page of PAGES) {
    const params = matchPath(page.pattern, rest);
    if (!params) continue;
    if (!canUse(page, granted)) {
      const missing = page.scopes.filter((s) => !granted.has(s));
      return (
        <div class="problem" role="alert" data-status="403">
          <PageTitle>Not allowed</PageTitle>
          <p>Your roles in {tenant} ({me.roles.join(', ')}) do not grant <code>{missing.join(', ')}</code>, which this page needs. Ask an administrator if you need it.</p>
        </div>
      );
    }
    const Page = page.component;
    return <Page api={api} tenant={tenant} me={me} params={params} search={place.search} here={here} />;
  }
  return <><PageTitle>Page not found</PageTitle><p>There is no page at <code>{place.path}</code>. Use the navigation above.</p></>;
}
