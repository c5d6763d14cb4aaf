// The SNS/SQS emulator fauxqs, listening on 127.0.0.1 only, with helpers that set up a topic and an
// SQS queue subscribed to it through the real AWS APIs, and read the queue back.
import type { AddressInfo } from 'node:net';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

export const TEST_REGION = 'us-east-1';

/** Any credentials are accepted by fauxqs; the channel finds these through the standard chain. */
export function useTestCredentials(): () => void {
  const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
  process.env['AWS_ACCESS_KEY_ID'] = 'test';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'test';
  return () => {
    if (saved.id === undefined) delete process.env['AWS_ACCESS_KEY_ID'];
    else process.env['AWS_ACCESS_KEY_ID'] = saved.id;
    if (saved.secret === undefined) delete process.env['AWS_SECRET_ACCESS_KEY'];
    else process.env['AWS_SECRET_ACCESS_KEY'] = saved.secret;
  };
}

export interface Emulator {
  endpoint: string;
  sns: SNSClient;
  sqs: SQSClient;
  /** A topic with a queue subscribed to it (raw delivery: the queue gets the message and attributes as sent). */
  topicWithQueue(name: string, opts?: { fifo?: boolean; filterPolicy?: object; raw?: boolean }): Promise<{ topicArn: string; queueUrl: string }>;
  /** Reads (and deletes) messages until `count` arrived or the time is up. */
  receive(queueUrl: string, count: number, timeoutMs?: number): Promise<Message[]>;
  queueDepth(queueUrl: string): Promise<number>;
  close(): Promise<void>;
}

export async function startEmulator(): Promise<Emulator> {
  const app = buildApp({ logger: false, defaultRegion: TEST_REGION });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const sns = new SNSClient({ endpoint, region: TEST_REGION, credentials });
  // Queue URLs name a *.localhost host; send every request to the endpoint instead.
  const sqs = new SQSClient({ endpoint, region: TEST_REGION, credentials, useQueueUrlAsEndpoint: false });
  return {
    endpoint,
    sns,
    sqs,
    async topicWithQueue(name, opts = {}) {
      const fifo = opts.fifo === true;
      const suffix = fifo ? '.fifo' : '';
      const topic = await sns.send(new CreateTopicCommand({
        Name: `${name}${suffix}`,
        ...(fifo ? { Attributes: { FifoTopic: 'true' } } : {}),
      }));
      const queue = await sqs.send(new CreateQueueCommand({
        QueueName: `${name}-q${suffix}`,
        ...(fifo ? { Attributes: { FifoQueue: 'true' } } : {}),
      }));
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
      const attributes: Record<string, string> = {};
      if (opts.raw !== false) attributes['RawMessageDelivery'] = 'true';
      if (opts.filterPolicy !== undefined) attributes['FilterPolicy'] = JSON.stringify(opts.filterPolicy);
      await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn!, Protocol: 'sqs', Endpoint: queueArn, Attributes: attributes }));
      return { topicArn: topic.TopicArn!, queueUrl: queue.QueueUrl! };
    },
    async receive(queueUrl, count, timeoutMs = 3000) {
      const out: Message[] = [];
      const deadline = Date.now() + timeoutMs;
      while (out.length < count && Date.now() < deadline) {
        const r = await sqs.send(new ReceiveMessageCommand({
          QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'],
        }));
        const got = r.Messages ?? [];
        if (got.length === 0) {
          await new Promise((res) => setTimeout(res, 20));
          continue;
        }
        out.push(...got);
        await sqs.send(new DeleteMessageBatchCommand({
          QueueUrl: queueUrl, Entries: got.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }));
      }
      return out;
    },
    async queueDepth(queueUrl) {
      const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      return Number(r.Attributes?.['ApproximateNumberOfMessages'] ?? '0');
    },
    async close() {
      sns.destroy();
      sqs.destroy();
      await app.close();
    },
  };
}
