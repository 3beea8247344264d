/** ses-feedback: SES bounces and complaints onto the suppression list. */
import { handleSesFeedback } from '../../shared/mail/feedback.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { storesFrom } from '../../shared/platform/runtime/deps.js';

export const { build, handler } = sqsFunction('ses-feedback', (config) => {
  const { customers, suppression } = storesFrom(config);
  return (event) => handleSesFeedback({ customers, suppression, clock: systemClock }, event.detail);
});
