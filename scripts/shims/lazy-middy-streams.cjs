// Stands in for `node:stream/web` and `node:stream/promises` inside the layer. @middy/core imports them at the top
// for its streamed-response mode, which Function Compute never uses; loading Node's web streams at require time
// costs every cold start several milliseconds. Each export is read from the real module on first use instead.
'use strict';
const lazy = (moduleName, names) => {
  const exported = {};
  for (const name of names) {
    Object.defineProperty(exported, name, { enumerable: true, get: () => require(moduleName)[name] });
  }
  return exported;
};
module.exports = {
  web: lazy('node:stream/web', ['ReadableStream']),
  promises: lazy('node:stream/promises', ['pipeline']),
};
