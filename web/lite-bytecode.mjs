// The in-browser kernel's start, compiled ahead: web/lite_site.py runs this
// with Node.js while it builds the site.
//
// Pyodide's packages and its standard library hold Python sources only, so
// every start of the kernel compiles them again, in WebAssembly: Pyodide's
// own start (asyncio and the rest), micropip, IPython, jedi,
// prompt_toolkit.  Here Pyodide itself (the same build the site ships, so
// the same Python and bytecode format) starts, loads every package of the
// site's lock, installs the kernel's wheels as the kernel does, imports the
// kernel as it starts, and writes the bytecode of each module it imported
// from a file into two zip archives:
//
// - OUTPUT_ZIP: the packages' modules, laid out as their __pycache__
//   folders (the shipped lock lists it, so Pyodide unpacks it with the
//   packages);
// - STDLIB_ZIP: the standard library's modules, named as zipimport looks
//   for them inside python_stdlib.zip ("json/__init__.pyc" beside
//   "json/__init__.py"); web/lite_site.py adds them to a copy of it.
//
// Each file is an unchecked-hash .pyc: Python uses it as it is, without
// comparing it with the source's time, which neither an unpacked wheel nor
// the archive keeps.
//
// usage: node web/lite-bytecode.mjs PYODIDE_DIR OUTPUT_ZIP STDLIB_ZIP
//        KERNEL_WHEEL...
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, output, stdlibOutput, ...wheels] = process.argv.slice(2);
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
const archives = pyodide.runPython(`
import importlib.util
import io
import os
import py_compile
import sys
import sysconfig
import zipfile
import zipimport

import piplite.piplite  # noqa: F401 (the kernel imports these as it starts)
import pyodide_kernel  # noqa: F401

# "//lib/...": the same folder as the modules' "/lib/..."
site = os.path.join("/", sysconfig.get_paths()["purelib"].lstrip("/"))
stdlib = "/lib/python%d%d.zip" % sys.version_info[:2]
sources = sorted(
    module.__file__
    for module in list(sys.modules.values())
    if getattr(module, "__file__", None)
    and module.__file__.endswith(".py")
    and (
        module.__file__.startswith(site + "/")
        # not the frozen ones (importlib, os, ...), which Python never reads
        or isinstance(module.__loader__, zipimport.zipimporter)
    )
)


def add(z, name, cached):
    # a fixed time: the same sources give the same archive
    info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(cached, "rb") as f:
        z.writestr(info, f.read(), compresslevel=9)


def compiled(source, cached, shown):
    py_compile.compile(
        source,
        cached,
        dfile=shown,  # the name tracebacks show
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    return cached


buffers = {"site": io.BytesIO(), "stdlib": io.BytesIO()}
archive = zipfile.ZipFile(buffers["site"], "w")
standard = zipfile.ZipFile(buffers["stdlib"], "w")
inside = zipimport.zipimporter(stdlib)
for source in sources:
    if source.startswith(site + "/"):
        cached = importlib.util.cache_from_source(source)
        compiled(source, cached, source)
        add(archive, os.path.relpath(cached, site), cached)
    else:
        # zipimport compiles a module of the archive as "<archive>/<name>"
        name = source[len(stdlib) + 1 :]
        copy = "/tmp/stdlib/" + name
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        with open(copy, "wb") as f:
            f.write(inside.get_data(source))
        add(standard, name + "c", compiled(copy, copy + "c", source))
archive.close()
standard.close()
[buffers["site"].getvalue(), buffers["stdlib"].getvalue()]
`);
const [site, stdlib] = archives.toJs();
fs.writeFileSync(output, site);
fs.writeFileSync(stdlibOutput, stdlib);
archives.destroy();
