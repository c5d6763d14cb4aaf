// Worker thread entry of the container metadata thread (metadata-thread.ts): follows the runtimes'
// events and answers lookups here, and hands each answer to the capture addon from this thread.
// The addon's container table is one per process, so the capture's consumer sees the record as
// soon as it is set, however busy the daemon's main thread is with rule evaluation.
import * as nodeModule from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { MetadataThreadData, MetadataThreadReply, MetadataThreadRequest } from './metadata-thread.js';

// Run from the TypeScript sources (tests), `./x.js` imports name `./x.ts` files. Compiled, the
// hook is never needed (and Node before 22.15 has no registerHooks).
nodeModule.registerHooks?.({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (e) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      throw e;
    }
  },
});

const { setupContainerMetadata } = await import('./container-metadata.js');
const { loadCaptureAddon } = await import('../../native/capture.js');

const port = parentPort!;
const data = workerData as MetadataThreadData;
const reply = (r: MetadataThreadReply): void => port.postMessage(r);

const { service } = setupContainerMetadata(loadCaptureAddon(), {
  ...(data.root !== undefined ? { root: data.root } : {}),
  ...(data.retryMs !== undefined ? { retryMs: data.retryMs } : {}),
  warn: (message) => reply({ type: 'warn', message }),
});

port.on('message', (m: MetadataThreadRequest) => {
  switch (m.type) {
    case 'watch':
      service.watch();
      break;
    case 'preload':
      void service.preload().then(() => reply({ type: 'preloaded' }));
      break;
    case 'ids':
      // Ids a batch carried without a container record: the service skips known and in-flight
      // ones, and waits retryMs before asking again about a miss.
      for (const id of m.ids) void service.lookup(id);
      break;
    case 'settle':
      void service.settled().then(() => reply({ type: 'settled', seq: m.seq }));
      break;
    case 'close':
      service.close();
      port.close();
      break;
  }
});
reply({ type: 'ready' });
