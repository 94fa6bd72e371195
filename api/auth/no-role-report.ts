/**
 * A person the IdP signed in whose groups grant no Custos role gets 404 for every
 * tenant, which looks like a broken deployment from the outside. This says why, once
 * per person and reason every ten minutes (bearer tokens arrive on every request):
 * a warn log line naming the claims seen, a few of the unmapped groups and the fix,
 * and the counter `custos_auth_no_role_total{method, reason}`.
 */
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../common/logger.js';
import type { Identity } from './oidc-principal.js';

export type NoRoleReason = 'groups_overage' | 'no_groups_claim' | 'groups_unmapped';

const REPEAT_MS = 10 * 60_000;

/** Why a signed-in identity holds no role, or undefined when it holds one. */
export function noRoleReason(identity: Identity): NoRoleReason | undefined {
  if (Object.keys(identity.principal.roles).length > 0) return undefined;
  if (identity.groups.overage) return 'groups_overage';
  if (identity.groups.groups.length === 0) return 'no_groups_claim';
  return 'groups_unmapped';
}

const HINTS: Record<NoRoleReason, string> = {
  groups_overage: 'the IdP sent a groups overage claim (_claim_names/hasgroups: Entra ID past 200 groups) instead of the groups: send only the groups assigned to the application, or app roles in the `roles` claim (CUSTOS_ROLE_CLAIM=groups,roles); see docs/identity-providers.md',
  no_groups_claim: 'the token has none of the claims in CUSTOS_ROLE_CLAIM: add a groups mapper/claim at the IdP (docs/identity-providers.md)',
  groups_unmapped: 'none of the groups is custos:<tenant>:<role> (plain or as a path) or a key of CUSTOS_ROLE_MAPPING',
};

export class NoRoleReporter {
  private readonly counter: Counter<'method' | 'reason'>;
  private readonly lastLogged = new Map<string, number>();

  constructor(private readonly log: Logger, registry: Registry) {
    const existing = registry.getSingleMetric('custos_auth_no_role_total') as Counter<'method' | 'reason'> | undefined;
    this.counter = existing ?? new Counter({ name: 'custos_auth_no_role_total', help: 'Sign-ins and IdP tokens whose groups grant no Custos role, by reason', labelNames: ['method', 'reason'], registers: [registry] });
  }

  /** Reports the identity when it holds no role; returns the reason (undefined when it has roles). */
  report(identity: Identity): NoRoleReason | undefined {
    const reason = noRoleReason(identity);
    if (!reason) return undefined;
    const p = identity.principal;
    this.counter.inc({ method: p.method, reason });
    const key = `${p.subject}\n${reason}`;
    const now = Date.now();
    if ((this.lastLogged.get(key) ?? 0) + REPEAT_MS > now) return reason;
    if (this.lastLogged.size > 10_000) this.lastLogged.clear();
    this.lastLogged.set(key, now);
    this.log.warn(
      { subject: p.subject, method: p.method, reason, claims: identity.groups.claimsPresent, groups: identity.groups.groups.length, sample: identity.groups.groups.slice(0, 5).map((g) => g.slice(0, 100)), hint: HINTS[reason] },
      'signed-in person holds no Custos role',
    );
    return reason;
  }
}

export function noRoleHint(reason: NoRoleReason): string {
  return HINTS[reason];
}
