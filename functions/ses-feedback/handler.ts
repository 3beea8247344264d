/** ses-feedback: SES bounces and complaints onto the suppression list; engagement on the send. */
import { handleSesFeedback } from '../../shared/mail/feedback.js';
import { EnvVar } from '../../shared/platform/config.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { storesFrom } from '../../shared/platform/runtime/deps.js';

export const { build, handler } = sqsFunction('ses-feedback', (config) => {
  const { customers, suppression, engagement } = storesFrom(config);
  const rules = { botClickSeconds: config[EnvVar.botClickSeconds] };
  return (event) => handleSesFeedback({ customers, suppression, clock: systemClock, engagement: { store: engagement, rules } }, event.detail);
});
