/** The real handlers, loaded lazily (after the environment is set). Typed by FunctionName, so a
 * function added to the routing but not here fails to compile. */
import type { FunctionName } from '../shared/platform/contracts/routing.js';

type Loader = () => Promise<{ handler: (...args: never[]) => Promise<unknown> }>;

export const handlerModules: Record<FunctionName, Loader> = {
  'order-events': () => import('../functions/order-events/handler.js'),
  'customer-upsert': () => import('../functions/customer-upsert/handler.js'),
  'sweep-start': () => import('../functions/sweep-start/handler.js'),
  'churn-sweep': () => import('../functions/churn-sweep/handler.js'),
  'campaign-dispatch': () => import('../functions/campaign-dispatch/handler.js'),
  'model-refit': () => import('../functions/model-refit/handler.js'),
  links: () => import('../functions/links/handler.js'),
  loyalty: () => import('../functions/loyalty/handler.js'),
  'loyalty-sweep': () => import('../functions/loyalty-sweep/handler.js'),
  'dispatch-due': () => import('../functions/dispatch-due/handler.js'),
  'ses-feedback': () => import('../functions/ses-feedback/handler.js'),
  'customer-erase': () => import('../functions/customer-erase/handler.js'),
  'campaign-schedule': () => import('../functions/campaign-schedule/handler.js'),
};
