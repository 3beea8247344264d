// Module resolution as the Lambda Node.js runtime offers it to a bundle: Node built-ins and the
// AWS SDK v3 (which the runtime ships), nothing else. A bundle that imports anything outside
// itself fails here as it would in Lambda, instead of quietly loading it from node_modules.
import { builtinModules } from 'node:module';

let bundleUrl = '';
let sdkParentUrl = '';

export function initialize(data) {
  bundleUrl = data.bundleUrl;
  sdkParentUrl = data.sdkParentUrl;
}

const isBuiltin = (s) => s.startsWith('node:') || builtinModules.includes(s);
const isPath = (s) => s.startsWith('.') || s.startsWith('/') || s.startsWith('file:');

export async function resolve(specifier, context, next) {
  if (!context.parentURL?.startsWith(bundleUrl) || isBuiltin(specifier) || isPath(specifier)) return next(specifier, context);
  if (specifier.startsWith('@aws-sdk/')) return next(specifier, { ...context, parentURL: sdkParentUrl });
  const error = new Error(`${specifier}: not in the bundle, and the Lambda runtime provides only Node built-ins and @aws-sdk/*`);
  error.code = 'ERR_MODULE_NOT_FOUND';
  throw error;
}
