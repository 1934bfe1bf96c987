/**
 * The program each local FC instance runs, as plain CommonJS source handed to `node -e`: it needs no build
 * step, and so works the same from the TypeScript sources (tests) and from the bundled `dist/local/start.js`.
 * Like FC's Node.js runtime it requires the handler file from the code folder (FC_FUNC_CODE_PATH), with the
 * layer reached through NODE_PATH only, calls the initializer once, then invokes the handler with a Buffer
 * event per message.
 */
export const FC_RUNNER_SOURCE = String.raw`
'use strict';
const path = require('node:path');
const codeDir = process.env.FC_FUNC_CODE_PATH;
const [handlerFile, handlerExport] = splitHandler(process.env.FC_FUNCTION_HANDLER || 'index.handler');

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

function fcLogger(requestId) {
  const write = (level) => (...args) => process.stdout.write(new Date().toISOString() + ' ' + requestId + ' [' + level + '] ' + args.join(' ') + '\n');
  return { debug: write('DEBUG'), info: write('INFO'), warn: write('WARN'), error: write('ERROR'), log: write('INFO') };
}

let loaded;
function loadModule() {
  loaded = loaded || require(path.join(codeDir, handlerFile));
  return loaded;
}

process.on('message', async (message) => {
  const context = { ...message.context, logger: fcLogger(message.context.requestId) };
  try {
    const mod = loadModule();
    let result;
    if (message.type === 'initialize') {
      const [file, name] = splitHandler(message.initializer);
      const initializer = (file === handlerFile ? mod : require(path.join(codeDir, file)))[name];
      if (typeof initializer !== 'function') throw new Error('initializer ' + message.initializer + ' is not a function');
      await initializer(context);
    } else {
      const handler = mod[handlerExport];
      if (typeof handler !== 'function') throw new Error('handler ' + handlerFile + '.' + handlerExport + ' is not a function');
      result = await handler(Buffer.from(message.event), context);
    }
    process.send({ id: message.id, ok: true, result });
  } catch (error) {
    process.send({ id: message.id, ok: false, error: describeError(error) });
  }
});
process.send({ ready: true });
`;
