// The in-browser kernel's start, compiled ahead: web/lite_site.py runs this
// with Node.js while it builds the site.
//
// Pyodide's packages hold Python sources only, so every start of the kernel
// compiles IPython, jedi, prompt_toolkit and the rest again, in WebAssembly.
// Here Pyodide itself (the same build the site ships, so the same Python and
// bytecode format) loads every package of the site's lock, installs the
// kernel's wheels as the kernel does, imports the kernel as it starts, and
// writes the bytecode of each module that came from a package into one zip
// archive, laid out as the packages' __pycache__ folders.  The shipped lock
// lists the archive, so Pyodide unpacks it with the packages.  Each file is
// an unchecked-hash .pyc: Python uses it as it is, without comparing it
// with the source's time, which an unpacked wheel does not keep.
//
// usage: node web/lite-bytecode.mjs PYODIDE_DIR OUTPUT_ZIP KERNEL_WHEEL...
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, output, ...wheels] = process.argv.slice(2);
const { loadPyodide } = await import(
  pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href
);
const pyodide = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  stdout: () => {},
  stderr: (line) => console.error(line),
});
const lock = JSON.parse(
  fs.readFileSync(path.join(pyodideDir, "pyodide-lock.json"), "utf8"),
);
await pyodide.loadPackage(Object.keys(lock.packages), {
  messageCallback: () => {},
});
const micropip = pyodide.pyimport("micropip");
for (const wheel of wheels) {
  const copy = "/tmp/" + path.basename(wheel);
  pyodide.FS.writeFile(copy, fs.readFileSync(wheel));
  await micropip.install("emfs:" + copy, { deps: false });
}
const archive = pyodide.runPython(`
import importlib.util
import io
import os
import py_compile
import sys
import sysconfig
import zipfile

import piplite.piplite  # noqa: F401 (the kernel imports these as it starts)
import pyodide_kernel  # noqa: F401

# "//lib/...": the same folder as the modules' "/lib/..."
site = os.path.join("/", sysconfig.get_paths()["purelib"].lstrip("/"))
sources = sorted(
    module.__file__
    for module in list(sys.modules.values())
    if getattr(module, "__file__", None)
    and module.__file__.startswith(site + "/")
    and module.__file__.endswith(".py")
)
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for source in sources:
        cached = importlib.util.cache_from_source(source)
        py_compile.compile(
            source,
            cached,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        # a fixed time: the same sources give the same archive
        name = os.path.relpath(cached, site)
        info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(cached, "rb") as f:
            z.writestr(info, f.read(), compresslevel=9)
buffer.getvalue()
`);
fs.writeFileSync(output, archive.toJs());
archive.destroy();
