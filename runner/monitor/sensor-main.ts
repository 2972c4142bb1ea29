// The sensor process (remote.ts): answers each { id } message with a systeminformation Reading. It runs
// apart from the training process because systeminformation starts shell commands, and Node starts each
// by fork(): forking a process that holds gigabytes of training memory copies its page tables and makes
// every page copy-on-write, which the engine's next step pays for page by page.
import { SystemProvider } from './provider.js';

const provider = new SystemProvider();
process.on('message', (m: { id: number }) => {
  void provider.read().then((reading) => process.send?.({ id: m.id, reading }));
});
// the training process is gone (or closed the channel): nothing left to answer
process.on('disconnect', () => process.exit(0));
