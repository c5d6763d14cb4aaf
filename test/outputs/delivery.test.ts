import { closeSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigYaml } from '../../host/config/tree.js';
import { createDelivery, readDeliveryConfig } from '../../outputs/index.js';
import { makeAlert, tempDir, waitFor } from './support.js';

describe('readDeliveryConfig', () => {
  it("takes Falco's defaults when keys are absent", () => {
    const c = readDeliveryConfig({});
    expect(c.format).toEqual({
      jsonOutput: false,
      jsonIncludeOutputProperty: true,
      jsonIncludeTagsProperty: true,
      jsonIncludeMessageProperty: false,
      jsonIncludeOutputFieldsProperty: true,
      timeFormatIso8601: false,
    });
    expect(c.bufferedOutputs).toBe(false);
    expect(c.outputTimeoutMs).toBe(2000);
    expect(c.channels.map((ch) => ch.kind)).toEqual(['stdout_output', 'syslog_output']);
    expect(c.channels[0]!.settings).toEqual({ queueCapacity: 10_000 });
  });

  it('reads every output key and the per-channel pipeline settings', () => {
    const c = readDeliveryConfig(
      parseConfigYaml(`
json_output: true
json_include_output_property: false
json_include_tags_property: false
json_include_message_property: true
json_include_output_fields_property: false
time_format_iso_8601: true
buffered_outputs: true
output_timeout: 500
outputs_queue:
  capacity: 300
stdout_output:
  enabled: false
syslog_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: /var/log/saker/events.json
  min_priority: warning
  queue_capacity: 50000
program_output:
  enabled: true
  keep_alive: true
  program: "jq '{text: .output}'"
  rate_limit:
    rate: 0.5
    burst: 3
http_output:
  enabled: true
  url: https://sidekick:2801/
  user_agent: saker
  insecure: true
  ca_cert: /ca.pem
  mtls: true
  client_cert: /c.crt
  client_key: /c.key
  compress_uploads: true
  keep_alive: true
  rate_limit:
    rate: 20
`),
    );
    expect(c.format).toEqual({
      jsonOutput: true,
      jsonIncludeOutputProperty: false,
      jsonIncludeTagsProperty: false,
      jsonIncludeMessageProperty: true,
      jsonIncludeOutputFieldsProperty: false,
      timeFormatIso8601: true,
    });
    expect(c.bufferedOutputs).toBe(true);
    expect(c.outputTimeoutMs).toBe(500);
    expect(c.channels).toEqual([
      {
        kind: 'file_output',
        filename: '/var/log/saker/events.json',
        keepAlive: true,
        settings: { queueCapacity: 50000, minPriority: 'Warning' },
      },
      {
        kind: 'program_output',
        program: "jq '{text: .output}'",
        keepAlive: true,
        settings: { queueCapacity: 300, rateLimit: { rate: 0.5, burst: 3 } },
      },
      {
        kind: 'http_output',
        http: {
          url: 'https://sidekick:2801/',
          userAgent: 'saker',
          insecure: true,
          caCert: '/ca.pem',
          caBundle: '',
          caPath: '/etc/ssl/certs',
          mtls: true,
          clientCert: '/c.crt',
          clientKey: '/c.key',
          compressUploads: true,
          keepAlive: true,
          echo: false,
        },
        settings: { queueCapacity: 300, rateLimit: { rate: 20, burst: 20 } },
      },
    ]);
  });

  it('names the key of an invalid Saker setting', () => {
    const bad = (yaml: string): (() => unknown) => () => readDeliveryConfig(parseConfigYaml(yaml));
    expect(bad('file_output: {enabled: true, min_priority: loud}')).toThrow(
      "file_output.min_priority: 'loud' is not one of emergency, alert, critical, error, warning, notice, informational, debug",
    );
    expect(bad('stdout_output: {queue_capacity: 0}')).toThrow("stdout_output.queue_capacity: '0' is not a whole number between 1 and 100000000");
    expect(bad('stdout_output: {rate_limit: {rate: fast}}')).toThrow("stdout_output.rate_limit.rate: 'fast' is not a positive number of alerts per second");
    expect(bad('stdout_output: {rate_limit: {rate: 5, burst: 0}}')).toThrow("stdout_output.rate_limit.burst: '0' is not a whole number of at least 1");
    expect(bad('http_output: {enabled: true}')).toThrow('http_output.url: a URL is required when http_output is enabled');
    expect(bad('program_output: {enabled: true}')).toThrow('program_output.program: a program is required when program_output is enabled');
  });
});

describe('createDelivery', () => {
  it('delivers one alert to stdout, file and http as configured, and counts it', async () => {
    const got: { type: string | undefined; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ type: req.headers['content-type'], body });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dir = tempDir();
    const stdoutPath = join(dir, 'stdout');
    const fd = openSync(stdoutPath, 'w');
    try {
      const config = readDeliveryConfig(
        parseConfigYaml(`
json_output: true
syslog_output: {enabled: false}
file_output: {enabled: true, filename: ${join(dir, 'events.json')}}
http_output: {enabled: true, url: "http://127.0.0.1:${(server.address() as AddressInfo).port}/"}
`),
      );
      const logs: string[] = [];
      const { pipeline, formatter } = createDelivery(config, { log: (_l, m) => void logs.push(m), stdoutFd: fd });
      await pipeline.start();
      const alert = makeAlert(1, 'Error');
      pipeline.publish(alert);
      await waitFor(() => got.length === 1);
      await pipeline.drain(2000);
      const line = formatter.format(alert);
      expect(line.startsWith('{"hostname":"host-a","output":')).toBe(true);
      expect(readFileSync(stdoutPath, 'utf8')).toBe(`${line}\n`);
      expect(readFileSync(join(dir, 'events.json'), 'utf8')).toBe(`${line}\n`);
      expect(got).toEqual([{ type: 'application/json', body: line }]);
      expect(pipeline.counters().map((c) => [c.channel, c.delivered])).toEqual([
        ['stdout_output', 1],
        ['file_output', 1],
        ['http_output', 1],
      ]);
      expect(logs).toEqual([]);
    } finally {
      closeSync(fd);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
