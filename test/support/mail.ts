import { inject } from 'vitest';
import { fetchEml, fetchSentMail } from '../../local/emulators.js';

/** Every mail the SES emulator holds for one address (the store is shared by all test files). */
export async function mailTo(address: string) {
  const { emails } = await fetchSentMail(inject('endpoints').sesEndpoint);
  return emails.filter((m) => JSON.stringify(m.destination ?? m).includes(address));
}

/** A single-use coupon code as mailed (no 0, 1, I or O). */
export const COUPON_CODE = /[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}/;

/** The coupon code printed in a mail's text; throws when there is none. */
export function couponCodeIn(text: string | undefined): string {
  const code = COUPON_CODE.exec(text ?? '')?.[0];
  if (!code) throw new Error(`no coupon code in: ${text}`);
  return code;
}

/** A sent message as raw RFC 822 text, with the URL of its List-Unsubscribe header (RFC 8058). */
export async function unsubscribeLink(messageId: string): Promise<{ eml: string; url: string }> {
  const eml = await fetchEml(inject('endpoints').sesEndpoint, messageId);
  // Long header values are folded (RFC 5322): unfold before reading.
  const url = /List-Unsubscribe: <([^>]+)>/.exec(eml.replace(/\r?\n[ \t]+/g, ' '))?.[1];
  if (!url) throw new Error(`no List-Unsubscribe header in message ${messageId}`);
  return { eml, url };
}
