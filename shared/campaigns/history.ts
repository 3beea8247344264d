/** A customer's recent marketing mail as the frequency cap sees it. */
import { instantMs } from '../platform/time.js';
import type { CapLedger, SendRecord, SendStatus } from './port.js';
import type { MailKind } from './policy.js';

/** The window the frequency cap looks at. */
export const CAP_WINDOW_MS = 7 * 86_400_000;

/** A mail counts once it may have gone out: sent, handed to SES, or lost in an unknown outcome. */
const COUNTED: ReadonlySet<SendStatus> = new Set(['sent', 'sending', 'unknown']);

export const capKey = (campaignId: string, occurrence: string): string => `${campaignId}#${occurrence}`;

/** What dispatch decides the cap on: the cap ledger (written with every marketing send, under a
 * version, before SES is called), without the send being decided itself. */
export function capHistory(ledger: CapLedger, self: { campaignId: string; occurrence: string }): Array<{ at: string; kind: MailKind }> {
  const own = capKey(self.campaignId, self.occurrence);
  return ledger.recent.filter((r) => r.key !== own).map((r) => ({ at: r.at, kind: 'marketing' }));
}

/** The same from send records (dry runs and plans, which read records, not the ledger). */
export function recentSends(sends: SendRecord[], now: Date): Array<{ at: string; kind: MailKind }> {
  const since = now.getTime() - CAP_WINDOW_MS;
  return sends.filter((s) => COUNTED.has(s.status) && instantMs(s.at) >= since).map((s) => ({ at: s.at, kind: s.kind ?? 'marketing' }));
}
