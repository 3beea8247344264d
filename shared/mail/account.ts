/**
 * The SES account as the send lanes see it: GetAccount read at cold start and again every
 * `refreshMs`. A failed read keeps the last good answer; before any answer the lanes assume the
 * sandbox's limits (1/s, 200 a day), so a missing permission slows sending instead of flooding SES.
 */
import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { SANDBOX_ACCOUNT, type SesAccount } from './pacing.js';

export async function readSesAccount(ses: SESv2Client): Promise<SesAccount> {
  const out = await ses.send(new GetAccountCommand({}));
  const q = out.SendQuota ?? {};
  return {
    maxSendRate: q.MaxSendRate ?? SANDBOX_ACCOUNT.maxSendRate,
    max24HourSend: q.Max24HourSend ?? SANDBOX_ACCOUNT.max24HourSend,
    sentLast24Hours: q.SentLast24Hours ?? 0,
    sendingEnabled: out.SendingEnabled ?? true,
    productionAccess: out.ProductionAccessEnabled ?? false,
  };
}

export class SesAccountCache {
  private last?: { account: SesAccount; at: number };
  private reading?: Promise<SesAccount>;

  constructor(
    private readonly read: () => Promise<SesAccount>,
    private readonly refreshMs: number,
    private readonly now: () => number = Date.now,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  async get(): Promise<SesAccount> {
    if (this.last && this.now() - this.last.at < this.refreshMs) return this.last.account;
    // One read at a time per container; everyone waiting gets its answer.
    this.reading ??= this.read()
      .then((account) => {
        this.last = { account, at: this.now() };
        return account;
      })
      .catch((e: unknown) => {
        this.onError(e);
        // Try again at the next refresh, not on every send.
        this.last = { account: this.last?.account ?? SANDBOX_ACCOUNT, at: this.now() };
        return this.last.account;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}
