/**
 * FC's `context.logger` as the local instances give it, as CommonJS source defining `fcLogger(requestId)`: one
 * line per call on stdout, `<ISO time> <requestId> [LEVEL] message`. Shared by the runner below and the bench's
 * cold-start harness.
 */
export const FC_LOGGER_SOURCE = String.raw`
function fcLogger(requestId) {
  const write = (level) => (...args) => process.stdout.write(new Date().toISOString() + ' ' + requestId + ' [' + level + '] ' + args.join(' ') + '\n');
  return { debug: write('DEBUG'), info: write('INFO'), warn: write('WARN'), error: write('ERROR'), log: write('INFO') };
}
`;

/**
 * The program each local FC instance runs, as plain CommonJS source handed to `node -e`: it needs no build
 * step, and so works the same from the TypeScript sources (tests) and from the bundled `dist/local/start.js`.
 * Like FC's Node.js runtime it requires the handler file from the code folder (FC_FUNC_CODE_PATH), with the
 * layer reached through NODE_PATH only, calls the initializer once, then invokes the handler with a Buffer
 * event per message.
 *
 * `extension` (optional CommonJS source, run before the instance reports ready) may set hooks on `runnerHooks`:
 * `beforeInvoke(message)` and `afterInvoke(message)` around every handler call, and `handleMessage(message)`,
 * which answers messages of any other type (after the handler file is loaded) with what it returns.
 */
export function fcRunnerSource(extension = ''): string {
  return String.raw`
'use strict';
const path = require('node:path');
const codeDir = process.env.FC_FUNC_CODE_PATH;
const [handlerFile, handlerExport] = splitHandler(process.env.FC_FUNCTION_HANDLER || 'index.handler');
const runnerHooks = {};

function splitHandler(text) {
  const dot = text.lastIndexOf('.');
  return [text.slice(0, dot), text.slice(dot + 1)];
}

function describeError(error) {
  return {
    errorType: (error && error.name) || 'Error',
    errorMessage: String((error && error.message) || error),
  };
}
${FC_LOGGER_SOURCE}
let loaded;
function loadModule() {
  loaded = loaded || require(path.join(codeDir, handlerFile));
  return loaded;
}

const withLogger = (context) => ({ ...context, logger: fcLogger(context.requestId) });

process.on('message', async (message) => {
  try {
    const mod = loadModule();
    let result;
    if (message.type === 'initialize') {
      const [file, name] = splitHandler(message.initializer);
      const initializer = (file === handlerFile ? mod : require(path.join(codeDir, file)))[name];
      if (typeof initializer !== 'function') throw new Error('initializer ' + message.initializer + ' is not a function');
      await initializer(withLogger(message.context));
    } else if (message.type === 'invoke') {
      const handler = mod[handlerExport];
      if (typeof handler !== 'function') throw new Error('handler ' + handlerFile + '.' + handlerExport + ' is not a function');
      if (runnerHooks.beforeInvoke) runnerHooks.beforeInvoke(message);
      try {
        result = await handler(Buffer.from(message.event), withLogger(message.context));
      } finally {
        if (runnerHooks.afterInvoke) runnerHooks.afterInvoke(message);
      }
    } else if (runnerHooks.handleMessage) {
      result = await runnerHooks.handleMessage(message);
    } else {
      throw new Error('unknown message type ' + message.type);
    }
    process.send({ id: message.id, ok: true, result });
  } catch (error) {
    process.send({ id: message.id, ok: false, error: describeError(error) });
  }
});
${extension}
process.send({ ready: true });
`;
}

/** The runner without extension. */
export const FC_RUNNER_SOURCE = fcRunnerSource();
