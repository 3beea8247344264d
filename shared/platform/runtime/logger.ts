/** The one Powertools logger; the function name comes from POWERTOOLS_SERVICE_NAME in AWS. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'engage' });
