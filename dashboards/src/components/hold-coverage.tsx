/**
 * What a hold covers now. The list answer has no counts (they are a query per hold),
 * so each row asks GET .../holds/{id}, which counts them; the detail page shows the same.
 */
import type { Api } from '../api/client.js';
import { call } from '../api/client.js';
import type { HoldCoverage } from '../api/types.js';
import { formatCount } from '../format/numbers.js';
import { useLang, useT, type Messages } from '../i18n/index.js';
import { Loading } from './loading.js';
import { useLoad } from './use-load.js';

export function coverageText(c: HoldCoverage, t: Messages['holds'], locale?: string): string {
  const n = (x: number) => formatCount(x, locale);
  return t.covers(n(c.messages), c.messages, n(c.calls), c.calls, n(c.app_invocations), c.app_invocations);
}

export function CoverageOf({ api, tenant, holdId }: { api: Api; tenant: string; holdId: string }) {
  const t = useT().holds;
  const locale = useLang();
  const [loaded] = useLoad(() => call(api.GET('/v1/tenants/{tenant}/holds/{holdId}', { params: { path: { tenant, holdId } } })), [tenant, holdId]);
  if (loaded.state === 'loading') return <Loading what={t.coverage} />;
  if (!loaded.result.ok) return <span class="warn">{loaded.result.problem.title}</span>;
  const c = loaded.result.data.covers;
  return <span data-messages={c.messages}>{coverageText(c, t, locale)}</span>;
}
