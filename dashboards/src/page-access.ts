/**
 * Which pages a person sees: a page names the scopes it needs (all of them), and the
 * server says which scopes the person's roles grant in the tenant (GET .../me). The
 * UI never copies the policy: a role change on the server changes the pages. Hiding
 * a page is a convenience; the API refuses the calls anyway.
 */
export interface PageAccess {
  id: string;
  /** Every scope the page's API calls need. */
  scopes: readonly string[];
  /** Key of its label in the catalogue's `nav` (i18n/en.ts); pages without one (details) are reached by links. */
  nav?: string;
  /** Higher first: where a person lands after sign-in when several pages are theirs. */
  landing?: number;
}

export function canUse(page: PageAccess, granted: ReadonlySet<string>): boolean {
  return page.scopes.every((s) => granted.has(s));
}

export function navPages<P extends PageAccess>(pages: readonly P[], granted: ReadonlySet<string>): P[] {
  return pages.filter((p) => p.nav !== undefined && canUse(p, granted));
}

export function landingPage<P extends PageAccess>(pages: readonly P[], granted: ReadonlySet<string>): P | undefined {
  return pages
    .filter((p) => p.landing !== undefined && canUse(p, granted))
    .sort((a, b) => b.landing! - a.landing! || a.id.localeCompare(b.id))[0];
}
