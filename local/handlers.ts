/** The real function modules, loaded lazily. Typed by FunctionName, so a function added to the
 * manifest but not here fails to compile. Each is built with its own environment (see env.ts). */
import type { FunctionName } from '../shared/platform/contracts/functions.js';
import type { Env } from '../shared/platform/runtime/function.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FunctionHandler = (event: any, context: any) => Promise<any>;
type Loader = () => Promise<{ build(env: Env): Promise<FunctionHandler> }>;

export const handlerModules: Record<FunctionName, Loader> = {
  'order-events': () => import('../functions/order-events/handler.js'),
  'customer-upsert': () => import('../functions/customer-upsert/handler.js'),
  'sweep-start': () => import('../functions/sweep-start/handler.js'),
  'churn-sweep': () => import('../functions/churn-sweep/handler.js'),
  'campaign-dispatch': () => import('../functions/campaign-dispatch/handler.js'),
  'model-refit': () => import('../functions/model-refit/handler.js'),
  'refit-sample': () => import('../functions/refit-sample/handler.js'),
  'refit-fit': () => import('../functions/refit-fit/handler.js'),
  links: () => import('../functions/links/handler.js'),
  webhooks: () => import('../functions/webhooks/handler.js'),
  loyalty: () => import('../functions/loyalty/handler.js'),
  'loyalty-sweep': () => import('../functions/loyalty-sweep/handler.js'),
  'dispatch-due': () => import('../functions/dispatch-due/handler.js'),
  'ses-feedback': () => import('../functions/ses-feedback/handler.js'),
  'customer-erase': () => import('../functions/customer-erase/handler.js'),
  'campaign-schedule': () => import('../functions/campaign-schedule/handler.js'),
  'weekly-report': () => import('../functions/weekly-report/handler.js'),
  'campaign-audience': () => import('../functions/campaign-audience/handler.js'),
};
