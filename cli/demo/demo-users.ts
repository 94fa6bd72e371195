/**
 * One sign-in per role for the demo's identity provider, in the demo tenant. The
 * roles whose actions need a step-up (the compliance officer's exports and hold
 * releases, the DPO's approvals) sign in with a one-time code as well, so their
 * sign-in carries MFA. Passwords and codes are drawn at each start and printed: the
 * provider listens on loopback only. The manager is the head of a department of the
 * sample company (found in the directory by email, docs/analytics.md).
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { TestUser } from './identity-provider.js';
import { samplePerson } from './sample-company.js';

export interface DemoSignIn extends TestUser {
  role: string;
}

const password = () => randomBytes(9).toString('base64url');
const code = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

export function demoUsers(tenant: string): DemoSignIn[] {
  const head = samplePerson(0);
  const g = (role: string) => [`custos:${tenant}:${role}`];
  return [
    { role: 'manager', id: 'manager', name: head.name, email: head.email, groups: g('manager'), mfa: false, password: password() },
    { role: 'compliance_officer', id: 'officer', name: 'Olivia Officer', groups: g('compliance_officer'), mfa: true, password: password(), otp: code() },
    { role: 'dpo', id: 'dpo', name: 'Dana Protection', groups: g('dpo'), mfa: true, password: password(), otp: code() },
    { role: 'dpo', id: 'dpo2', name: 'Denis Second', groups: g('dpo'), mfa: true, password: password(), otp: code() },
    { role: 'auditor', id: 'auditor', name: 'Arthur Auditor', groups: g('auditor'), mfa: false, password: password() },
  ];
}

/** The lines `custos demo --serve` prints: one sign-in per role. */
export function signInLines(users: readonly DemoSignIn[]): string[] {
  return users.map((u) => `  ${u.role.padEnd(19)} user ${u.id.padEnd(8)} password ${u.password}${u.otp ? `  one-time code ${u.otp}` : ''}`);
}
