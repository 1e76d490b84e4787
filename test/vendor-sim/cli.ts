// Runs the vendor simulator standalone, printing every request: `node test/vendor-sim/cli.ts --port 9000`
// (through npm: `npm run vendor-sim -- --port 9000`). Point Signal at it with
// SIGNAL_VENDOR_REDIRECTS=https://api2.amplitude.com=http://127.0.0.1:9000
import { startVendorSim } from './vendor-sim.ts';

const portIndex = process.argv.indexOf('--port');
const port = portIndex > 0 ? Number(process.argv[portIndex + 1]) : 9000;
const sim = await startVendorSim({ port });
console.log(`vendor simulator listening on ${sim.url}; every request answers 200 {"code":200}`);
let seen = 0;
setInterval(() => {
  for (const request of sim.requests().slice(seen)) {
    console.log(`${new Date(request.receivedAt).toISOString()} ${request.method} ${request.path}${request.queryPairs.length ? `?${new URLSearchParams(request.queryPairs)}` : ''}`);
    console.log(`  ${request.body.slice(0, 2000)}`);
  }
  seen = sim.requests().length;
}, 200);
