import { main } from './index.js';

// The SDK's own, documented switch for its "Node >= 22 after January 2027" notice (read when a
// client is built, so setting it here is in time): nothing else is silenced.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv.slice(2));
