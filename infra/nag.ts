import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 findings live in the `AwsSolutions` validation namespace; an acknowledgment without
 * the `AwsSolutions::` prefix would be read as a construct-annotation id and silence nothing.
 * Acknowledgments cover the construct and everything below it, so put them on the narrowest one.
 */
export function acknowledgeNag(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${ruleId}`, reason });
}

/** How cdk-nag renders `Fn::GetAtt [<resource>, Arn]` in finding ids, e.g. `<DataTable1234.Arn>`. */
export function nagArnRef(resource: IConstruct): string {
  const cfn = resource.node.defaultChild as CfnElement | undefined;
  if (!cfn) throw new Error(`${resource.node.path} has no CloudFormation resource`);
  return `<${Stack.of(resource).getLogicalId(cfn)}.Arn>`;
}
