/** A customer's recent sends as the frequency cap sees them. */
import type { SendRecord } from './port.js';
import type { MailKind } from './policy.js';

/** The window the frequency cap looks at. */
export const CAP_WINDOW_MS = 7 * 86_400_000;

export function recentSends(sends: SendRecord[], now: Date): Array<{ at: string; kind: MailKind }> {
  const since = new Date(now.getTime() - CAP_WINDOW_MS).toISOString();
  return sends.filter((s) => s.status === 'sent' && s.at >= since).map((s) => ({ at: s.at, kind: s.kind ?? 'marketing' }));
}
