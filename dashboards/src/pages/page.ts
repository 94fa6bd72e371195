/** What every page is given, and how a page is declared in the registry (pages/index.ts). */
import type { ComponentType } from 'preact';
import type { Api } from '../api/client.js';
import type { Me, Scope } from '../api/types.js';
import type { PageAccess } from '../page-access.js';
import type { Params } from '../route-match.js';
import type { Messages } from '../i18n/en.js';

export interface PageProps {
  api: Api;
  tenant: string;
  me: Me;
  params: Params;
  search: URLSearchParams;
  /** Path and query of this page, for return links (sign-in, step-up). */
  here: string;
}

export interface PageDef extends PageAccess {
  /** Path pattern under /ui/:tenant (matched by route-match.ts). */
  pattern: string;
  scopes: readonly Scope[];
  nav?: keyof Messages['nav'];
  component: ComponentType<PageProps>;
  /** Starts the page's first requests while the shell still checks who is signed in (api/early.ts). */
  early?: (api: Api, tenant: string, search: URLSearchParams) => void;
}
