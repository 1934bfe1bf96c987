'use strict';
// One cold start, FC-style, in a fresh `node` process: cwd is the function's code folder, the layer is reachable
// only through NODE_PATH (FC's /opt/nodejs/node_modules), and the job (handler file, event, context) arrives as
// a base64 JSON argument. The clock (process.hrtime.bigint) starts just before `require(handler file)` and stops
// when `initialize(context)` (if any) and the first `handler(Buffer event, context)` have finished. The result is
// one marker line on stdout; the function's own log lines go to stdout too and are ignored by the parent.
// With `{ "empty": true }` it only reports, so its wall time is Node's own boot and exit. FC's logger is the local
// host's (local/fc-runner-source.ts), passed as source in the job.
const job = JSON.parse(Buffer.from(process.argv[2] || 'e30=', 'base64').toString('utf8'));
const MARKER = '@@bench-result@@';

function report(result) {
  process.stdout.write(`\n${MARKER}${JSON.stringify(result)}\n`, () => process.exit(0));
}

async function main() {
  if (job.empty) return report({ ok: true, bootToMainMs: performance.now() });
  const bootToMainMs = performance.now();
  const fcLogger = new Function(`${job.loggerSource}\nreturn fcLogger;`)();
  const handlerPath = require('node:path').join(process.env.FC_FUNC_CODE_PATH, job.handlerFile);
  const started = process.hrtime.bigint();
  const mod = require(handlerPath);
  const loaded = process.hrtime.bigint();
  if (job.initializer) {
    await mod[job.initializer]({ ...job.initContext, logger: fcLogger(job.initContext.requestId) });
  }
  const initialized = process.hrtime.bigint();
  const result = await mod[job.handlerExport](Buffer.from(job.event, 'utf8'), { ...job.context, logger: fcLogger(job.context.requestId) });
  const finished = process.hrtime.bigint();
  const ms = (from, to) => Number(to - from) / 1e6;
  report({
    ok: true,
    bootToMainMs,
    loadMs: ms(started, loaded),
    initializeMs: ms(loaded, initialized),
    invokeMs: ms(initialized, finished),
    totalMs: ms(started, finished),
    modules: Object.keys(require.cache).length,
    result,
  });
}

main().catch((error) => report({ ok: false, error: { name: error?.name, message: String(error?.message || error) } }));
