// Verifies one quote N times with @phala/dcap-qvl in one Node process (its
// QuoteVerifier with our root CA), after one untimed verification, and
// prints {"status", "n", "wall_s", "cpu_s"}: the in-process baseline of
// benchmarks/run_batch.sh.
//
//   node dcap_qvl_loop.js DCAP_QVL_DIR QUOTE COLLATERAL ROOT_DER UNIX_TIME N
const fs = require('fs');
const [qvlDir, quoteFile, collFile, rootFile, nowText, nText] = process.argv.slice(2);
const { QuoteVerifier } = require(qvlDir + '/src/verify');
const quote = new Uint8Array(fs.readFileSync(quoteFile));
const collateral = JSON.parse(fs.readFileSync(collFile, 'utf8'));
const verifier = QuoteVerifier.newWithRootCa(Buffer.from(fs.readFileSync(rootFile)));
const now = parseInt(nowText, 10), n = parseInt(nText, 10);
const status = verifier.verify(quote, collateral, now).status;
const cpu0 = process.cpuUsage(), t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) verifier.verify(quote, collateral, now);
const t1 = process.hrtime.bigint(), cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({status, n, wall_s: Number(t1 - t0) / 1e9,
                            cpu_s: (cpu.user + cpu.system) / 1e6}));
