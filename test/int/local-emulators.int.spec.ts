import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  clearMail,
  fetchEml,
  fetchAllEml,
  fetchSentMail,
  parseJavaMajor,
  startEmulators,
  type Emulators,
} from '../../local/emulators.js';

/** Command lines of running DynamoDB Local processes whose port is ours. */
function dynamoProcessesOnPort(port: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', 'DynamoDBLocal'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(`-port ${port}`));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('Module: local/emulators', () => {
  let emulators: Emulators;
  let startupMs: number;

  beforeAll(async () => {
    const startedAt = Date.now();
    // A second DynamoDB Local beside the shared one: give a loaded machine time to start it.
    emulators = await startEmulators({ startTimeoutMs: 90_000 });
    startupMs = Date.now() - startedAt;
  }, 120_000);

  afterAll(async () => {
    await emulators?.stop();
  }, 30_000);

  it('starts both emulators on loopback ports', () => {
    expect(emulators.dynamodbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulators.sesEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulators.sesViewerUrl).toBe(`${emulators.sesEndpoint}/`);
    console.info(`emulators started in ${startupMs} ms`);
  });

  it('serves DynamoDB: create table, put and get an item', async () => {
    const client = new DynamoDBClient({ endpoint: emulators.dynamodbEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    await client.send(
      new CreateTableCommand({
        TableName: 'engage-test',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    await client.send(
      new PutItemCommand({
        TableName: 'engage-test',
        Item: { pk: { S: 'CUSTOMER#c00001' }, sk: { S: 'PROFILE' }, name: { S: '王芳' } },
      }),
    );

    const { Item } = await client.send(
      new GetItemCommand({ TableName: 'engage-test', Key: { pk: { S: 'CUSTOMER#c00001' }, sk: { S: 'PROFILE' } } }),
    );

    expect(Item?.name?.S).toBe('王芳');
    client.destroy();
  });

  it('captures mail sent through SESv2 with UTF-8 subject and custom headers', async () => {
    await clearMail(emulators.sesEndpoint);
    const since = Math.floor(Date.now() / 1000) - 1;
    const client = new SESv2Client({ endpoint: emulators.sesEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const unsubscribe = '<https://engage.example.com/u/abc123>';

    const { MessageId } = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'shop@example.com',
        Destination: { ToAddresses: ['wang.fang.1@example.cn'] },
        Content: {
          Simple: {
            Subject: { Data: '我们想念您 — 回来看看新茶', Charset: 'UTF-8' },
            Body: {
              Html: { Data: '<p>您好，王芳！</p>', Charset: 'UTF-8' },
              Text: { Data: '您好，王芳！', Charset: 'UTF-8' },
            },
            Headers: [{ Name: 'List-Unsubscribe', Value: unsubscribe }],
          },
        },
      }),
    );
    client.destroy();

    expect(MessageId).toBeTruthy();
    const { emails } = await fetchSentMail(emulators.sesEndpoint, since);
    expect(emails).toHaveLength(1);
    const [mail] = emails;
    expect(mail).toMatchObject({
      messageId: MessageId,
      subject: '我们想念您 — 回来看看新茶',
      body: { html: '<p>您好，王芳！</p>', text: '您好，王芳！' },
      destination: { to: ['wang.fang.1@example.cn'] },
    });
    expect(mail?.headers).toContainEqual({ name: 'List-Unsubscribe', value: unsubscribe });

    const eml = await fetchEml(emulators.sesEndpoint, MessageId!);
    expect(eml).toMatch(/^List-Unsubscribe: <https:\/\/engage\.example\.com\/u\/abc123>\r?$/m);
    expect(eml).toMatch(/^Subject: =\?UTF-8\?/im); // RFC 2047 encoded-word
    expect(eml).toContain('multipart/alternative');
    // The export reads the store once and downloads each message (the emulator renders a fresh
    // Message-ID and boundary per download, so compare what the mail says).
    const exported = await fetchAllEml(emulators.sesEndpoint, { templates: {}, emails });
    expect(exported.map((m) => m.messageId)).toEqual([MessageId]);
    expect(exported[0]!.eml).toMatch(/^List-Unsubscribe: <https:\/\/engage\.example\.com\/u\/abc123>\r?$/m);

    await clearMail(emulators.sesEndpoint);
    expect((await fetchSentMail(emulators.sesEndpoint)).emails).toHaveLength(0);
  });

  it('stop() leaves no java process behind and is idempotent', async () => {
    const port = new URL(emulators.dynamodbEndpoint).port;
    expect(dynamoProcessesOnPort(port)).toHaveLength(1);

    await Promise.all([emulators.stop(), emulators.stop()]);
    await emulators.stop();

    expect(dynamoProcessesOnPort(port)).toEqual([]);
    await expect(fetch(`${emulators.sesEndpoint}/store`)).rejects.toThrow();
  }, 30_000);
});

describe('Function: parseJavaMajor', () => {
  it('reads old and new version formats', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('bash: java: command not found')).toBeUndefined();
  });
});
