#!/usr/bin/env python3
"""Assembles dist/ from the wasm-bindgen output and the static files, then
prints the size report.

    python3 scripts/assemble.py target/web-bindgen

dist/web/          index.html + content-hashed JS, wasm and CSS, the
                   validator worker's script and wasm (fetched when Validate
                   opens) and the Connection module's (fetched when Connection opens)
dist/ecekit.html   one self-contained file: inline CSS, inline module script,
                   the wasm as base64, initSync (works from file://); the
                   validator worker from a blob: URL, its wasm as base64; the
                   Connection module's script inline, its wasm as base64
dist/extension/    Chromium MV3 extension (external boot.js: MV3 forbids inline scripts)
dist/extension-firefox/  the same with Firefox's manifest differences
dist/*.zip         one zip per extension
dist/web/*.gz      each file of the page precompressed (Zopfli), for servers
                   that send precompressed files
dist/size-report.json    the figures printed below
"""
import base64
import gzip
import os
import hashlib
import json
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
WWW = ROOT / "www"


def minify(data: bytes, loader: str) -> bytes:
    """`data` minified by esbuild (from package.json). `loader` is js or css.
    A script keeps its top-level names (the pages call `wasm_bindgen`,
    `ecekitConnection`); an ES module keeps its exports."""
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        sys.exit("assemble: node_modules/.bin/esbuild is missing: run scripts/setup.sh (make build does)")
    result = subprocess.run([str(esbuild), "--minify", f"--loader={loader}", "--log-level=warning"],
                            input=data, capture_output=True)
    if result.returncode != 0:
        sys.exit(f"assemble: esbuild could not minify the {loader}: {result.stderr.decode()}")
    return result.stdout


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def write(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)


def fill(template: str, head: str, boot: str) -> str:
    for marker in ("<!-- ecekit:head -->", "<!-- ecekit:boot -->"):
        if marker not in template:
            sys.exit(f"assemble: index.html lacks the marker {marker}")
    return template.replace("<!-- ecekit:head -->", head).replace("<!-- ecekit:boot -->", boot)


def validator_starter(worker: str, wasm: str) -> str:
    """The JS that defines `ecekitStartValidator` (src/validator.rs calls it):
    `worker` and `wasm` are JS expressions for the worker's script URL and for
    its wasm (a URL or the bytes)."""
    return (
        "globalThis.ecekitStartValidator = () => {\n"
        f"  const worker = new Worker({worker});\n"
        f"  worker.postMessage({{ init: {wasm} }});\n"
        "  return worker;\n"
        "};\n"
    )


def script_connection_loader(script: str, wasm: str) -> str:
    """The JS that defines `ecekitLoadConnection` (src/connection/host.rs
    calls it) where the Connection module is a file: adds its classic script
    (`script`, a JS expression for its URL), which defines `ecekitConnection`,
    then starts it with its wasm (`wasm`, a URL expression)."""
    return (
        "globalThis.ecekitLoadConnection = () =>\n"
        "  new Promise((resolve, reject) => {\n"
        '    const script = document.createElement("script");\n'
        f"    script.src = {script};\n"
        "    script.onload = resolve;\n"
        '    script.onerror = () => reject(new Error("its script did not load"));\n'
        "    document.head.append(script);\n"
        "  })\n"
        f"    .then(() => ecekitConnection({{ module_or_path: {wasm} }}))\n"
        "    .then(() => ecekitConnection);\n"
    )


def build_web(js: bytes, wasm: bytes, css: bytes, validator: dict, connection: dict, template: str) -> dict:
    web = DIST / "web"
    # Each file under a name with its content's hash: {stem}-{hash}{suffix}.
    files = {
        "js": ("ecekit", ".js", js),
        "wasm": ("ecekit_bg", ".wasm", wasm),
        "css": ("style", ".css", css),
        "validator_js": ("validator", ".js", validator["js"]),
        "validator_wasm": ("validator_bg", ".wasm", validator["wasm"]),
        "connection_js": ("connection", ".js", connection["js"]),
        "connection_wasm": ("connection_bg", ".wasm", connection["wasm"]),
    }
    names = {}
    for key, (stem, suffix, data) in files.items():
        names[key] = f"{stem}-{short_hash(data)}{suffix}"
        write(web / names[key], data)
    shutil.copytree(WWW / "icons", web / "icons")
    head = (
        f'<link rel="stylesheet" href="{names["css"]}">\n'
        f'  <link rel="icon" href="icons/icon-32.png">\n'
        f'  <link rel="modulepreload" href="{names["js"]}">\n'
        f'  <link rel="preload" href="{names["wasm"]}" as="fetch" type="application/wasm" crossorigin>'
    )
    starter = validator_starter(
        f'"./{names["validator_js"]}"',
        f'new URL("./{names["validator_wasm"]}", document.baseURI).href',
    ) + script_connection_loader(
        f'"./{names["connection_js"]}"',
        f'new URL("./{names["connection_wasm"]}", document.baseURI).href',
    )
    boot = (
        '<script type="module">\n'
        f'    import init from "./{names["js"]}";\n'
        f"{textwrap.indent(starter, '    ')}"
        f'    init({{ module_or_path: "./{names["wasm"]}" }});\n'
        "  </script>"
    )
    html = fill(template, head, boot)
    write(web / "index.html", html)
    return {"html": html.encode(), **names}


def inline_script(data: bytes) -> str:
    script = data.decode()
    if "</script" in script.lower():
        sys.exit("assemble: the generated JS contains </script and cannot be inlined")
    return script


def build_single_file(js: bytes, wasm: bytes, css: bytes, validator: dict, connection: dict, template: str) -> None:
    # The wasm-bindgen module's exports stay in the inline module; initSync
    # compiles the embedded bytes with no fetch, so file:// works. The
    # validator worker starts from a blob: URL and gets its wasm as bytes.
    # The Connection module's classic script is inline too (it only defines
    # `ecekitConnection`); its wasm is compiled when the area first opens.
    script = inline_script(js)
    # A JS string literal that cannot end the inline script.
    worker_source = json.dumps(validator["js"].decode()).replace("<", "\\u003c")
    starter = validator_starter(
        "URL.createObjectURL(new Blob([validatorSource], { type: \"text/javascript\" }))",
        "fromBase64(validatorWasmBase64)",
    )
    head = f"<style>\n{css.decode()}\n</style>"
    module = (
        f"{script}\n"
        "const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));\n"
        f"const validatorSource = {worker_source};\n"
        f'const validatorWasmBase64 = "{base64.b64encode(validator["wasm"]).decode()}";\n'
        f"{starter}"
        f'const connectionWasmBase64 = "{base64.b64encode(connection["wasm"]).decode()}";\n'
        "globalThis.ecekitLoadConnection = async () => {\n"
        "  ecekitConnection.initSync({ module: fromBase64(connectionWasmBase64) });\n"
        "  return ecekitConnection;\n"
        "};\n"
        f'initSync({{ module: fromBase64("{base64.b64encode(wasm).decode()}") }});\n'
    )
    # Minified as a whole: the glue's own names (`initSync`) are used above.
    module = inline_script(minify(module.encode(), "js"))
    boot = (
        f"<script>\n{inline_script(connection['js'])}\n</script>\n"
        f'<script type="module">\n{module}\n</script>'
    )
    write(DIST / "ecekit.html", fill(template, head, boot))


def firefox_manifest(chrome: dict) -> dict:
    ff = json.loads(json.dumps(chrome))
    ff["permissions"] = [p for p in ff["permissions"] if p != "sidePanel"]
    ff.pop("side_panel", None)
    ff.pop("minimum_chrome_version", None)
    ff["background"] = {"scripts": ["background.js"]}
    ff["sidebar_action"] = {
        "default_panel": "sidepanel.html",
        "default_title": "ecekit",
        "default_icon": ff["icons"]["32"],
    }
    ff["browser_specific_settings"] = {
        "gecko": {"id": "ecekit@ecekit.dev", "strict_min_version": "128.0"}
    }
    return ff


def build_extension(js: bytes, wasm: bytes, css: bytes, validator: dict, connection: dict) -> None:
    chrome = json.loads((ROOT / "manifest.json").read_text())
    marker = "// ecekit:validator-starter\n"
    boot = (WWW / "boot.js").read_text()
    if marker not in boot:
        sys.exit(f"assemble: www/boot.js lacks the marker {marker.strip()}")
    boot = boot.replace(marker, validator_starter(
        "new URL('validator.js', import.meta.url)",
        "new URL('validator_bg.wasm', import.meta.url).href",
    ) + script_connection_loader(
        "new URL('connection.js', import.meta.url).href",
        "new URL('connection_bg.wasm', import.meta.url).href",
    ))
    for name, manifest in (("extension", chrome), ("extension-firefox", firefox_manifest(chrome))):
        ext = DIST / name
        write(ext / "manifest.json", json.dumps(manifest, indent=2) + "\n")
        write(ext / "ecekit.js", js)
        write(ext / "ecekit_bg.wasm", wasm)
        write(ext / "style.css", css)
        write(ext / "validator.js", validator["js"])
        write(ext / "validator_bg.wasm", validator["wasm"])
        write(ext / "connection.js", connection["js"])
        write(ext / "connection_bg.wasm", connection["wasm"])
        write(ext / "boot.js", boot)
        for f in ("sidepanel.html", "background.js"):
            shutil.copy(WWW / f, ext / f)
        shutil.copytree(WWW / "icons", ext / "icons")
        with zipfile.ZipFile(DIST / f"ecekit-{name}.zip", "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(ext.rglob("*")):
                if path.is_file():
                    z.write(path, path.relative_to(ext).as_posix())


def precompress(web: dict) -> dict:
    """Writes `.gz` (Zopfli, crates/ecekit-precompress) next to each file the
    page loads; returns each file's `.gz` size by name. Every `.gz` is checked
    to unpack to its file."""
    files = ["index.html"] + [name for key, name in web.items() if key != "html"]
    tool = ROOT / "target" / "release" / "ecekit-precompress"
    if not tool.exists():
        sys.exit("assemble: target/release/ecekit-precompress is missing: "
                 "run `cargo build --release -p ecekit-precompress` (scripts/build.sh does)")
    result = subprocess.run([str(tool), *(str(DIST / "web" / f) for f in files)], capture_output=True)
    if result.returncode != 0:
        sys.exit(f"assemble: precompressing dist/web failed: {result.stderr.decode()}")
    sizes = {}
    for name in files:
        path = DIST / "web" / name
        packed = Path(f"{path}.gz").read_bytes()
        if gzip.decompress(packed) != path.read_bytes():
            sys.exit(f"assemble: {path}.gz does not unpack to {name}")
        sizes[name] = len(packed)
    return sizes


def size_report(web: dict, shipped: dict) -> None:
    """What the page transfers: each file's raw size, `gzip -9` (a server
    compressing on the fly, at best) and its shipped `.gz` (a server sending
    dist/web's precompressed files). The budget is checked on the shipped `.gz`."""
    web_dir = DIST / "web"
    groups = [
        ("first load", [("index.html", "index.html"), ("JS", web["js"]), ("wasm", web["wasm"]),
                        ("CSS", web["css"])]),
        ("when Validate first opens (its worker)",
         [("validator JS", web["validator_js"]), ("validator wasm", web["validator_wasm"])]),
        ("when Connection first opens (its module)",
         [("connection JS", web["connection_js"]), ("connection wasm", web["connection_wasm"])]),
    ]
    report = {}
    print("\nSize report (dist/web, what the page transfers):")
    print(f"  {'file':<16}{'raw bytes':>12}{'gzip -9':>12}{'shipped .gz':>13}")
    totals = []
    for title, rows in groups:
        if totals:
            print(f"  {title}:")
        total = {"raw": 0, "gzip9": 0, "gzip": 0}
        for label, name in rows:
            data = (web_dir / name).read_bytes()
            row = {"raw": len(data), "gzip9": len(gzip.compress(data, 9)), "gzip": shipped[name]}
            report[label] = row
            for key in total:
                total[key] += row[key]
            print(f"  {label:<16}{row['raw']:>12,}{row['gzip9']:>12,}{row['gzip']:>13,}")
        if not totals:
            print(f"  {'first load':<16}{total['raw']:>12,}{total['gzip9']:>12,}{total['gzip']:>13,}")
        totals.append(total)
    every = {key: sum(t[key] for t in totals) for key in totals[0]}
    print(f"  {'all areas':<16}{every['raw']:>12,}{every['gzip9']:>12,}{every['gzip']:>13,}")
    report["all_areas"] = every
    single = (DIST / "ecekit.html").read_bytes()
    print(f"  dist/ecekit.html (single file): {len(single):,} bytes raw, "
          f"{len(gzip.compress(single, 9)):,} gzip -9")
    # The budget is for what opening the page transfers.
    first = totals[0]
    report["total"] = first
    report["budget_gzip"] = 250 * 1024
    report["over_budget"] = first["gzip"] > report["budget_gzip"]
    write(DIST / "size-report.json", json.dumps(report, indent=2) + "\n")
    if report["over_budget"]:
        message = (f"the page's first load is {first['gzip']:,} gzip bytes, OVER the 250 KB budget "
                   f"by {first['gzip'] - report['budget_gzip']:,} bytes")
        # Enforced where asked (ECEKIT_ENFORCE_SIZE_BUDGET=1); reported loudly always.
        if os.environ.get("ECEKIT_ENFORCE_SIZE_BUDGET") == "1":
            sys.exit(f"assemble: {message}")
        print(f"\n  WARNING: {message} (set ECEKIT_ENFORCE_SIZE_BUDGET=1 to fail the build)")
    else:
        print(f"  within the 250 KB budget ({report['budget_gzip'] - first['gzip']:,} gzip bytes to spare)")


def main() -> None:
    bindgen = Path(sys.argv[1])
    # The single file minifies the app's glue together with its own boot code.
    glue = (bindgen / "ecekit.js").read_bytes()
    js = minify(glue, "js")
    wasm = (bindgen / "ecekit_bg.wasm").read_bytes()
    css = minify((WWW / "style.css").read_bytes(), "css")
    # The worker script: the validator's no-modules glue, then the handler.
    validator = {
        "js": minify((bindgen / "validator.js").read_bytes() + b"\n" + (WWW / "validator-worker.js").read_bytes(), "js"),
        "wasm": (bindgen / "validator_bg.wasm").read_bytes(),
    }
    connection = {
        "js": minify((bindgen / "connection.js").read_bytes(), "js"),
        "wasm": (bindgen / "connection_bg.wasm").read_bytes(),
    }
    template = (ROOT / "index.html").read_text()
    if DIST.exists():
        shutil.rmtree(DIST)
    web = build_web(js, wasm, css, validator, connection, template)
    build_single_file(glue, wasm, css, validator, connection, template)
    build_extension(js, wasm, css, validator, connection)
    size_report(web, precompress(web))


if __name__ == "__main__":
    main()
