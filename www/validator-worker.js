// The Validate area's worker: runs the validator wasm module off the page's
// main thread. assemble.py puts wasm-bindgen's no-modules glue (which
// defines `wasm_bindgen`) in front of this file.
//
// Messages in:  { init: wasm URL or bytes }, then { id, text, kind, platform }
// Messages out: { id, report: JSON text, millis } or { id, error: text }
let ready = null;

self.onmessage = async (event) => {
  const message = event.data;
  if (message.init !== undefined) {
    ready = wasm_bindgen({ module_or_path: message.init });
    return;
  }
  try {
    if (ready === null) throw new Error("the validator was asked before it was given its wasm");
    await ready;
    const start = performance.now();
    const report = wasm_bindgen.validate(message.text, message.kind, message.platform);
    self.postMessage({ id: message.id, report, millis: performance.now() - start });
  } catch (error) {
    self.postMessage({ id: message.id, error: String(error && error.message || error) });
  }
};
