#!/usr/bin/env node
// `npm run tf:native`: gives @tensorflow/tfjs-node its native addon without the network
// its own install script needs (that script downloads libtensorflow from a host this
// project cannot reach, so package.json keeps it disabled).
//
// Route: the `tensorflow-cpu` wheel on PyPI carries the TensorFlow shared libraries
// (libtensorflow_cc.so.2 exports the C API, TF_* and TFE_*; libtensorflow_framework.so.2)
// and the C headers. We download that one wheel with pip (no install, no dependencies),
// take the two libraries and the headers the binding includes, compile tfjs-node's own
// binding sources (binding/*.cc, binding.gyp) against them with node-gyp, and keep the
// result in a cache OUTSIDE the clone:
//
//   ~/.cache/giftgraph/tf-native/<key>/          (or $GIFTGRAPH_TF_NATIVE_CACHE/<key>/)
//     lib/libtensorflow_cc.so.2                  stripped (--strip-unneeded)
//     lib/libtensorflow_framework.so.2
//     addon/tfjs_binding.node                    RUNPATH $ORIGIN/../../deps/lib
//     manifest.json                              versions, wheel hash, sizes
//
// Every run (re)installs from the cache into node_modules/@tensorflow/tfjs-node, because
// `npm ci` recreates that folder: the addon is copied to the path node-pre-gyp's `find`
// resolves (lib/napi-v8/tfjs_binding.node) and deps/lib/ gets symlinks to the cached
// libraries (the addon's RUNPATH points there; `--copy-libs` copies them instead). Then a
// child Node process requires tfjs-node and checks that the backend is `tensorflow` and
// that a 2x2 matMul is right. Cached, the whole run takes about a second.
//
// Flags: --rebuild (ignore the cache entry), --copy-libs (copy instead of symlink).
// Exit status: 0 when tfjs-node loads with the tensorflow backend; 1 with the reason.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * The TensorFlow release whose libraries we take. tfjs-node 4.22 was written against the
 * libtensorflow 2.9.1 C API; the C API only grows within 2.x, and 2.19.1 is the release
 * this script was verified with (build, load, the models test tier, the benchmark).
 * 2.20.0 also builds and loads (wheel sha256 cf756bbe2d256e942ab5d0ad2c858fb40017581494febdb4387c149b1afde780)
 * and measured the same. Changing it means changing the pinned hash below (`sha256sum`
 * of the wheel that `pip download` saved).
 */
const TF_VERSION = '2.19.1';
/**
 * The wheel is platform- and Python-specific only in its Python extension modules, which we
 * do not use, so we ask for one fixed wheel whatever the local Python is, and pin its hash.
 */
const WHEEL = {
  name: `tensorflow_cpu-${TF_VERSION}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`,
  sha256: '0b6d72bd09c267e7573757bd309f5b1e2cdb02577339991da751f3a1411e4dae',
  pipArgs: ['--only-binary=:all:', '--platform', 'manylinux2014_x86_64', '--python-version', '3.11', '--implementation', 'cp'],
};
/** Libraries taken from the wheel's tensorflow/ folder. */
const LIBS = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];
/** Header folders (inside tensorflow/include/) that c_api.h and eager/c_api.h reach. */
const HEADER_PREFIXES = ['tensorflow/c/', 'tensorflow/core/platform/', 'tsl/', 'xla/tsl/'];

const root = path.resolve(__dirname, '..');
const args = new Set(process.argv.slice(2));
const t0 = Date.now();
let stepNo = 0;

class Fail extends Error {}
const step = (msg) => console.log(`[tf-native] ${++stepNo}. ${msg}`);
const info = (msg) => console.log(`[tf-native]    ${msg}`);
const fail = (msg) => {
  throw new Fail(msg);
};
const secs = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, ...opts });
  if (r.error) return { ok: false, out: String(r.error.message), status: null };
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, status: r.status };
}

const tail = (text, lines = 25) => text.trim().split('\n').slice(-lines).join('\n');

function main() {
  step(`platform: ${os.platform()}-${os.arch()}, Node ${process.version} (N-API ${process.versions.napi})`);
  if (os.platform() !== 'linux' || os.arch() !== 'x64') {
    fail(`only linux-x64 is supported (the tensorflow-cpu wheel route); this is ${os.platform()}-${os.arch()}`);
  }

  const pkgJsonPath = resolveFrom(root, '@tensorflow/tfjs-node/package.json');
  if (!pkgJsonPath) fail('@tensorflow/tfjs-node is not in node_modules: run `npm ci` first');
  const pkgDir = path.dirname(pkgJsonPath);
  const pkg = JSON.parse(fs.readFileSync(pkgJsonPath, 'utf8'));
  const preGyp = resolveFrom(pkgDir, '@mapbox/node-pre-gyp');
  if (!preGyp) fail('@mapbox/node-pre-gyp (a tfjs-node dependency) is missing: run `npm ci`');
  // The exact path tfjs-node's dist/index.js loads the addon from.
  const addonTarget = require(preGyp).find(pkgJsonPath);
  const napiBuild = /napi-v(\d+)/.exec(addonTarget)?.[1];
  if (!napiBuild) fail(`unexpected addon path from node-pre-gyp: ${addonTarget}`);
  info(`tfjs-node ${pkg.version} at ${path.relative(root, pkgDir)}; it loads ${path.relative(pkgDir, addonTarget)}`);

  const key = `tfjs-node-${pkg.version}+tensorflow-${TF_VERSION}-linux-x64-napi${napiBuild}`;
  const cacheRoot = process.env.GIFTGRAPH_TF_NATIVE_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'giftgraph', 'tf-native');
  const entry = path.join(cacheRoot, key);

  step(`cache ${entry}`);
  if (args.has('--rebuild') && fs.existsSync(entry)) {
    info('--rebuild: removing the cached entry');
    fs.rmSync(entry, { recursive: true, force: true });
  }
  const cached = readEntry(entry);
  if (cached) {
    info(`hit: built ${cached.builtAt} from ${cached.wheel.name}; build steps 3-6 skipped`);
    stepNo += 4;
  } else {
    info('miss: building (downloads one wheel from PyPI, ~250 MB)');
    build({ pkgDir, napiBuild, cacheRoot, entry, key, tfjsNodeVersion: pkg.version });
  }

  step(`install into ${path.relative(root, pkgDir)}`);
  install(entry, pkgDir, addonTarget);

  step('verify: require @tensorflow/tfjs-node in a fresh Node process');
  verify();
  console.log(`[tf-native] ok in ${secs(t0)}`);
}

/** A complete cache entry's manifest, or null (absent, partial, or from another layout). */
function readEntry(entry) {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(entry, 'manifest.json'), 'utf8'));
    for (const [rel, size] of Object.entries(m.files)) {
      if (fs.statSync(path.join(entry, rel)).size !== size) return null;
    }
    return m;
  } catch {
    return null;
  }
}

function build({ pkgDir, napiBuild, cacheRoot, entry, key, tfjsNodeVersion }) {
  fs.mkdirSync(cacheRoot, { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheRoot, `.build-${key}-`));
  try {
    // 1. the wheel
    step(`download tensorflow-cpu==${TF_VERSION} (pip download --no-deps, wheel only)`);
    const python = findPython();
    let t = Date.now();
    const dl = run(python, ['-m', 'pip', 'download', '--no-deps', ...WHEEL.pipArgs, '--dest', work, `tensorflow-cpu==${TF_VERSION}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (!dl.ok) fail(`pip download failed (exit ${dl.status}):\n${tail(dl.out)}`);
    const wheelPath = path.join(work, WHEEL.name);
    if (!fs.existsSync(wheelPath)) fail(`pip download did not produce ${WHEEL.name}:\n${tail(dl.out)}`);
    const sha = sha256(wheelPath);
    if (sha !== WHEEL.sha256) fail(`${WHEEL.name}: sha256 ${sha}, expected ${WHEEL.sha256}`);
    info(`${WHEEL.name} (${mib(fs.statSync(wheelPath).size)}, sha256 ok) in ${secs(t)}`);

    // 2. libraries + headers out of the wheel
    step('extract the TensorFlow libraries and C headers from the wheel');
    t = Date.now();
    const stage = path.join(work, 'entry');
    const depsDir = path.join(work, 'src', 'deps');
    const extract = run(python, ['-c', EXTRACT_PY, wheelPath, path.join(stage, 'lib'), path.join(depsDir, 'include'), JSON.stringify(LIBS), JSON.stringify(HEADER_PREFIXES)]);
    if (!extract.ok) fail(`extracting the wheel failed:\n${tail(extract.out)}`);
    info(extract.out.trim());
    fs.rmSync(wheelPath);
    const strip = run('strip', ['--version']);
    for (const lib of LIBS) {
      const p = path.join(stage, 'lib', lib);
      const before = fs.statSync(p).size;
      if (strip.ok) {
        const s = run('strip', ['--strip-unneeded', p]);
        if (!s.ok) fail(`strip --strip-unneeded ${lib} failed:\n${tail(s.out)}`);
      }
      info(`${lib}: ${mib(before)}${strip.ok ? ` -> ${mib(fs.statSync(p).size)} (strip --strip-unneeded: the dynamic symbols stay)` : ' (no `strip` found: kept as is)'}`);
    }
    // libtensorflow_cc exports the C API, so it stands in for the -ltensorflow binding.gyp
    // links; its SONAME (libtensorflow_cc.so.2) is what the addon then records as NEEDED.
    fs.mkdirSync(path.join(depsDir, 'lib'), { recursive: true });
    for (const lib of LIBS) fs.symlinkSync(path.join(stage, 'lib', lib), path.join(depsDir, 'lib', lib));
    fs.symlinkSync('libtensorflow_cc.so.2', path.join(depsDir, 'lib', 'libtensorflow.so'));
    fs.symlinkSync('libtensorflow_framework.so.2', path.join(depsDir, 'lib', 'libtensorflow_framework.so'));
    info(`in ${secs(t)}`);

    // 3. the addon, from tfjs-node's own sources
    step(`compile tfjs-node's binding (node-gyp, N-API ${napiBuild})`);
    t = Date.now();
    const src = path.join(work, 'src');
    fs.cpSync(path.join(pkgDir, 'binding'), path.join(src, 'binding'), { recursive: true });
    for (const f of ['binding.gyp', 'package.json']) fs.copyFileSync(path.join(pkgDir, f), path.join(src, f));
    const nodeGyp = findNodeGyp();
    const nodedir = findNodeDir();
    info(`node-gyp ${nodeGyp}${nodedir ? `, --nodedir=${nodedir}` : ' (no local Node headers found: node-gyp will look in its own cache)'}`);
    const addonOut = path.join(src, 'out');
    const gyp = run(process.execPath, [
      nodeGyp, 'rebuild', `--jobs=${Math.max(1, os.availableParallelism?.() ?? os.cpus().length)}`,
      ...(nodedir ? [`--nodedir=${nodedir}`] : []),
      '--module_name=tfjs_binding', `--module_path=${addonOut}`, `--napi_build_version=${napiBuild}`,
    ], { cwd: src, env: { ...process.env, PYTHON: process.env.PYTHON || python } });
    if (!gyp.ok) fail(`node-gyp failed (exit ${gyp.status}):\n${tail(gyp.out, 40)}`);
    fs.mkdirSync(path.join(stage, 'addon'), { recursive: true });
    fs.copyFileSync(path.join(addonOut, 'tfjs_binding.node'), path.join(stage, 'addon', 'tfjs_binding.node'));
    info(`tfjs_binding.node in ${secs(t)}`);

    // 4. publish the entry atomically
    step('write the cache entry');
    const files = {};
    for (const rel of [...LIBS.map((l) => `lib/${l}`), 'addon/tfjs_binding.node']) files[rel] = fs.statSync(path.join(stage, rel)).size;
    const manifest = {
      key, tfjsNode: tfjsNodeVersion, tensorflow: TF_VERSION, napiBuildVersion: Number(napiBuild),
      wheel: { name: WHEEL.name, sha256: WHEEL.sha256 }, builtAt: new Date().toISOString(), node: process.version, files,
    };
    fs.writeFileSync(path.join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    if (readEntry(entry)) {
      info('a concurrent run published this entry first: keeping theirs');
    } else {
      fs.rmSync(entry, { recursive: true, force: true }); // a partial entry without a manifest
      try {
        fs.renameSync(stage, entry);
      } catch (e) {
        if (!readEntry(entry)) throw e; // else a concurrent run published first: use theirs
      }
    }
    info(`${entry} (${mib(Object.values(files).reduce((a, b) => a + b, 0))})`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function install(entry, pkgDir, addonTarget) {
  fs.mkdirSync(path.dirname(addonTarget), { recursive: true });
  fs.copyFileSync(path.join(entry, 'addon', 'tfjs_binding.node'), addonTarget);
  info(`${path.relative(pkgDir, addonTarget)} <- cache`);
  const depsLib = path.join(pkgDir, 'deps', 'lib');
  fs.mkdirSync(depsLib, { recursive: true });
  const copy = args.has('--copy-libs');
  for (const lib of LIBS) {
    const target = path.join(depsLib, lib);
    fs.rmSync(target, { force: true });
    if (copy) fs.copyFileSync(path.join(entry, 'lib', lib), target);
    else fs.symlinkSync(path.join(entry, 'lib', lib), target);
    info(`deps/lib/${lib} ${copy ? '<- copied from' : '-> symlink to'} cache`);
  }
}

function verify() {
  const code = `
    const tf = require('@tensorflow/tfjs-node');
    const v = Array.from(tf.matMul(tf.ones([2, 2]), tf.ones([2, 2])).dataSync());
    console.log(JSON.stringify({ backend: tf.getBackend(), matMul: v, tensorflow: tf.backend().binding.TF_Version }));`;
  const r = run(process.execPath, ['-e', code], { cwd: root, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' } });
  const line = r.ok ? r.out.trim().split('\n').find((l) => l.startsWith('{')) : undefined;
  if (!line) fail(`loading tfjs-node failed (exit ${r.status}):\n${tail(r.out)}`);
  const got = JSON.parse(line);
  info(`backend ${got.backend}, TensorFlow ${got.tensorflow}, matMul(ones 2x2, ones 2x2) = [${got.matMul}]`);
  if (got.backend !== 'tensorflow' || got.matMul.join() !== '2,2,2,2') fail('expected backend tensorflow and [2,2,2,2]');
}

function resolveFrom(dir, request) {
  try {
    return require.resolve(request, { paths: [dir] });
  } catch {
    return null;
  }
}

function sha256(file) {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(8 * 2 ** 20);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

function findPython() {
  for (const py of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    const r = run(py, ['-m', 'pip', '--version']);
    if (r.ok) return py;
  }
  fail('no Python with pip found (tried $PYTHON, python3, python): pip downloads the tensorflow-cpu wheel');
}

/** node-gyp: npm's bundled copy first (no download), then one installed in the project. */
function findNodeGyp() {
  const candidates = [];
  const npmCli = process.env.npm_execpath; // set when run through npm: .../npm/bin/npm-cli.js
  if (npmCli) candidates.push(path.join(path.dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const which = run('sh', ['-c', 'command -v npm']);
  if (which.ok && which.out.trim()) {
    const npmReal = fs.realpathSync(which.out.trim()); // .../npm/bin/npm-cli.js
    candidates.push(path.join(path.dirname(npmReal), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  candidates.push(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const local = resolveFrom(root, 'node-gyp/bin/node-gyp.js');
  if (local) candidates.push(local);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) fail(`node-gyp not found (looked at: ${candidates.join(', ')})`);
  return found;
}

/** Headers of the running Node: npm's `nodedir` setting, else the install prefix's include/node. */
function findNodeDir() {
  const configured = process.env.npm_config_nodedir;
  if (configured && fs.existsSync(path.join(configured, 'include', 'node', 'node_api.h'))) return configured;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  const read = run('npm', ['config', 'get', 'nodedir']);
  const fromNpm = read.ok ? read.out.trim() : '';
  if (fromNpm && fromNpm !== 'undefined' && fs.existsSync(path.join(fromNpm, 'include', 'node', 'node_api.h'))) return fromNpm;
  return null;
}

/** Streams the wanted members out of the wheel (a zip); prints what it wrote. */
const EXTRACT_PY = `
import json, os, shutil, sys, zipfile
wheel, lib_dir, inc_dir = sys.argv[1:4]
libs, prefixes = json.loads(sys.argv[4]), json.loads(sys.argv[5])
n_lib = n_inc = 0
with zipfile.ZipFile(wheel) as z:
    for m in z.infolist():
        name = m.filename
        if name.startswith('tensorflow/') and name[len('tensorflow/'):] in libs:
            dest = os.path.join(lib_dir, os.path.basename(name)); n_lib += 1
        elif name.startswith('tensorflow/include/') and not name.endswith('/') and any(name[len('tensorflow/include/'):].startswith(p) for p in prefixes):
            dest = os.path.join(inc_dir, name[len('tensorflow/include/'):]); n_inc += 1
        else:
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(m) as src, open(dest, 'wb') as out:
            shutil.copyfileobj(src, out, 16 << 20)
if n_lib != len(libs):
    sys.exit('wheel lacks some of %s' % libs)
print('%d libraries, %d headers' % (n_lib, n_inc))
`;

try {
  main();
} catch (e) {
  if (!(e instanceof Fail)) throw e;
  console.error(`[tf-native] FAILED after ${secs(t0)}: ${e.message}`);
  process.exitCode = 1;
}
