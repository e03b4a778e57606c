// Benchmark 3's client side in a process of its own, so bench/profile.mjs can --cpu-prof it:
// `run` makes `calls` sequential calls of one variant (client, undici or fetch).
import { setUpClientBench } from '../client.mjs';
import { serveParent } from '../lib/child.mjs';

const setup = await setUpClientBench();
serveParent(
  { requestsPerCall: setup.requestsPerCall },
  {
    run: async ({ variant, calls }) => {
      const fn = setup.variants[variant];
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) await fn();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const used = process.cpuUsage(cpu);
      return { ms, userUs: used.user, systemUs: used.system };
    },
  },
  () => setup.close(),
);
