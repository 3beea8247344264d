/** The one Powertools logger; the function name comes from POWERTOOLS_SERVICE_NAME in AWS. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'engage' });

/**
 * For every injectLambdaContext: events carry addresses (customer.upserted), link tokens (the
 * links function's path) and coupon codes (order.placed), so the whole event is never logged,
 * whatever POWERTOOLS_LOGGER_LOG_EVENT says. Handlers log ids and outcomes only.
 */
export const NO_EVENT_LOGGING = { logEvent: false } as const;
