/** The synthesized templates (from the layer's global setup) and a construct tree to name their resources. */
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.js';
import type { FunctionName } from '../../shared/platform/contracts/functions.js';
import { PROD_CONTEXT, SKIP_BUNDLING } from './global-setup.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** `default`: the context a fresh clone synthesizes with; `prod`: a complete production stage in us-east-1. */
export function synthesized(which: 'default' | 'prod' = 'default') {
  const { templateFile, synthError } = inject(which === 'prod' ? 'infraProd' : 'infra');
  // Logical ids are deterministic: a second tree (not synthesized) names the same resources.
  const { stack } = buildApp({ context: which === 'prod' ? { ...SKIP_BUNDLING, ...PROD_CONTEXT } : SKIP_BUNDLING });
  const template = Template.fromJSON(JSON.parse(readFileSync(templateFile, 'utf8')));
  const logicalId = (construct: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const fnId = (name: FunctionName): string => logicalId(stack.functions[name]);
  const roleId = (name: FunctionName): string => logicalId(stack.functions[name].role as never);
  const resource = (id: string) => template.toJSON().Resources[id] as Json;
  /** Every statement of the inline policies attached to a role. */
  const statementsOfRole = (role: string): Json[] =>
    Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: role }]) } })).flatMap(
      (p: Json) => p.Properties.PolicyDocument.Statement as Json[],
    );
  const statementsOf = (name: FunctionName): Json[] => statementsOfRole(roleId(name));
  const environmentOf = (name: FunctionName): Json => resource(fnId(name)).Properties.Environment.Variables as Json;
  return { stack, template, synthError, logicalId, fnId, roleId, resource, statementsOf, statementsOfRole, environmentOf };
}

export const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
