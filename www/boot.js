// Loads the ecekit WebAssembly app on the extension's side panel page.
// An external module script, because an MV3 extension page may run no inline script.
import init from './ecekit.js';

// The Validate area's worker (src/validator.rs starts it when Validate opens)
// and the Connection area's module loader (src/connection/host.rs):
// assemble.py puts the same code here as in the other two pages.
// ecekit:validator-starter

init({ module_or_path: new URL('ecekit_bg.wasm', import.meta.url) });
