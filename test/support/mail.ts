import { inject } from 'vitest';
import { fetchSentMail } from '../../local/emulators.js';

/** Every mail the SES emulator holds for one address (the store is shared by all test files). */
export async function mailTo(address: string) {
  const { emails } = await fetchSentMail(inject('endpoints').sesEndpoint);
  return emails.filter((m) => JSON.stringify(m.destination ?? m).includes(address));
}
