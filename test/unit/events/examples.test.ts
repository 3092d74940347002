// The example hooks shipped as documentation work as they say: the webhook posts the event's
// JSON (to a server on loopback here); the mail one is valid sh.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEventHook } from '../../../src/events/hooks.js';

const DIR = mkdtempSync(join(tmpdir(), 'uplink-lb-examples-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));
const EVENT = { at: Date.UTC(2026, 10, 27, 12, 0, 0), device: 'eth2', event: 'up', cause: '5 good rounds in a row' };

describe('example event hooks', () => {
  it('webhook posts the event as JSON', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodies.push(`${req.method} ${req.headers['content-type']} ${body}`);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const hook = join(DIR, 'webhook');
    writeFileSync(hook, readFileSync(resolve('examples/events.d/webhook'), 'utf8').replace('https://hooks.example.net/uplink-lb', `http://127.0.0.1:${port}/hook`));
    chmodSync(hook, 0o755);
    try {
      expect(await runEventHook(hook, EVENT, 5000)).toMatchObject({ result: 'ok' });
    } finally {
      server.close();
    }
    expect(bodies).toHaveLength(1);
    const [method, type, ...json] = (bodies[0] ?? '').split(' ');
    expect([method, type]).toEqual(['POST', 'application/json']);
    expect(JSON.parse(json.join(' '))).toMatchObject({ event: 'up', device: 'eth2', cause: '5 good rounds in a row' });
  });

  it('mail is valid sh', () => {
    const r = spawnSync('sh', ['-n', resolve('examples/events.d/mail')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});
