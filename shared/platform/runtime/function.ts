/**
 * How a function module is built from its manifest entry. `build(env)` parses exactly the
 * configuration groups the manifest lists, from the environment it is given, and returns the
 * Lambda handler; the local runtime calls it with each function's own environment. In Lambda
 * the module's `handler` is built during init from process.env, so a misconfigured function
 * fails its cold start naming every bad variable; elsewhere it is built on first use.
 */
import { loadGroups, type ConfigOfGroups } from '../config.js';
import { manifest, type ConfigGroupsOf, type FunctionName } from '../contracts/functions.js';

export type Env = NodeJS.ProcessEnv;
export type ConfigOf<F extends FunctionName> = ConfigOfGroups<ConfigGroupsOf<F>>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = (...args: any[]) => Promise<any>;

export interface FunctionModule<H extends AnyHandler> {
  readonly name: FunctionName;
  build(env: Env): Promise<H>;
  readonly handler: H;
}

const inLambda = () => process.env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda_') === true;

export function defineFunction<F extends FunctionName, H extends AnyHandler>(
  name: F,
  setup: (config: ConfigOf<F>) => Promise<H> | H,
): FunctionModule<H> {
  const build = async (env: Env): Promise<H> => setup(loadGroups(manifest[name].config as readonly ConfigGroupsOf<F>[], env) as ConfigOf<F>);
  let built: Promise<H> | undefined = inLambda() ? build(process.env) : undefined;
  const handler = (async (...args: unknown[]) => (await (built ??= build(process.env)))(...args)) as H;
  return { name, build, handler };
}
