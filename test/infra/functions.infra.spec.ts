/**
 * Every function as the manifest declares it: its synthesized environment satisfies exactly its
 * configuration groups, and its IAM policy grants exactly what its manifest grants — table access
 * (read or read/write, on the table and only the listed indexes), PutEvents, SES, the keyring, the
 * webhook secrets.
 */
import { describe, expect, it } from 'vitest';
import { groupVariables, loadGroups } from '../../shared/platform/config.js';
import { functionNames, manifest, specOf } from '../../shared/platform/contracts/functions.js';
import { INDEX_ACTIONS, ITEM_READ_ACTIONS, ITEM_WRITE_ACTIONS, TABLE_WIDE_ACTIONS } from '../../infra/constructs/table.js';
import { PARTITIONS } from '../../shared/platform/table/keys.js';
import { asList, synthesized, type Json } from './template.js';

const { stack, logicalId, statementsOf, environmentOf } = synthesized();
const tableArn = { 'Fn::GetAtt': [logicalId(stack.table.table), 'Arn'] };
const indexArn = (index: string) => ({ 'Fn::Join': ['', [tableArn, `/index/${index}`]] });
/** Set by the function construct for Powertools and Node, not read as Engage configuration. */
const PLATFORM_VARIABLES = new Set(['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL', 'NODE_OPTIONS']);

/** CloudFormation resolves Ref/GetAtt at deploy time; any of them stands for a real value (a
 * name, an ARN or a URL), so a URL-shaped sample satisfies every schema such a value must meet. */
const sampleOf = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray((v as Json)?.['Fn::Join']) ? ((v as Json)['Fn::Join'][1] as unknown[]).map(sampleOf).join((v as Json)['Fn::Join'][0] as string) : 'https://resolved.example.com/token';
const resolveSample = (env: Json): Record<string, string> => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, sampleOf(v)]));

const actionsOf = (statements: Json[], prefix: string) => statements.flatMap((s) => asList(s.Action) as string[]).filter((a) => a.startsWith(prefix));

describe.each(functionNames)('function %s', (name) => {
  const spec = specOf(name);

  it('gets an environment that satisfies its own configuration groups', () => {
    expect(() => loadGroups(manifest[name].config, resolveSample(environmentOf(name)))).not.toThrow();
  });

  it('gets no variable outside its configuration groups', () => {
    const allowed = new Set(spec.config.flatMap(groupVariables));
    const extra = Object.keys(environmentOf(name)).filter((k) => !allowed.has(k) && !PLATFORM_VARIABLES.has(k));
    expect(extra).toEqual([]);
  });

  it('may use the table exactly as its manifest grants: item actions on its partition families only, each index in its one pattern', () => {
    const dynamo = statementsOf(name).filter((s) => asList(s.Action).some((a: string) => a.startsWith('dynamodb:')));
    const grant = spec.grants.table;
    if (!grant) return expect(dynamo).toEqual([]);
    const onTable = dynamo.filter((s) => JSON.stringify(asList(s.Resource)) === JSON.stringify([tableArn]));
    const items = grant.access === 'read' ? [...ITEM_READ_ACTIONS] : [...ITEM_READ_ACTIONS, ...ITEM_WRITE_ACTIONS];
    if (!grant.partitions) {
      expect(onTable.map((s) => [asList(s.Action).sort(), s.Condition])).toEqual([[[...items, ...TABLE_WIDE_ACTIONS].sort(), undefined]]);
    } else if (grant.partitions.length === 0) {
      expect(onTable).toEqual([]);
    } else {
      const reads = 'reads' in grant && grant.reads ? [[[...ITEM_READ_ACTIONS].sort(), { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': grant.reads.map((p) => PARTITIONS[p]) } }]] : [];
      expect(onTable.map((s) => [asList(s.Action).sort(), s.Condition])).toEqual([
        [items.sort(), { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': grant.partitions.map((p) => PARTITIONS[p]) } }],
        ...reads,
      ]);
    }
    const onIndexes = dynamo.filter((s) => !onTable.includes(s));
    expect(onIndexes.map((s) => [asList(s.Resource), asList(s.Action).sort(), s.Condition])).toEqual(
      grant.indexes.map((i) => [[indexArn(i)], [...INDEX_ACTIONS[i]].sort(), undefined]),
    );
  });

  it('may publish to the Engage bus only if its manifest grants it', () => {
    const put = statementsOf(name).filter((s) => asList(s.Action).includes('events:PutEvents'));
    expect(put.map((s) => s.Resource)).toEqual(spec.grants.publish ? [{ 'Fn::GetAtt': [logicalId(stack.bus.bus), 'Arn'] }] : []);
  });

  it('may start exactly the bulk runs its manifest grants, by their state machines', () => {
    const starts = statementsOf(name).filter((s) => asList(s.Action).includes('states:StartExecution'));
    expect(starts.map((s) => s.Resource)).toEqual((spec.grants.startRuns ?? []).map((job) => ({ Ref: logicalId(stack.bulkRuns[job].stateMachine) })));
  });

  it('may send mail only if its manifest grants it', () => {
    expect(actionsOf(statementsOf(name), 'ses:').length > 0).toBe(spec.grants.send === true);
  });

  it('may read the link keyring, the links origin secret and the webhook secrets only if its manifest grants them', () => {
    const reads = statementsOf(name).filter((s) => asList(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(reads.map((s) => s.Resource)).toEqual([
      ...(spec.grants.keyring ? [{ Ref: logicalId(stack.links.keyring) }] : []),
      ...(spec.grants.origin ? [{ Ref: logicalId(stack.links.originSecret) }] : []),
      ...(spec.grants.webhookSecrets ? [{ Ref: logicalId(stack.webhooks.secrets) }] : []),
    ]);
  });
});
