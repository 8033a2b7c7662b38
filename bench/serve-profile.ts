import path from 'node:path';

/**
 * Where a V8 CPU profile (.cpuprofile, as the inspector's Profiler.stop returns it) spends
 * its time: self time per source file (project files by path, packages by name, Node
 * internals and V8's pseudo-frames such as "(garbage collector)" and "(idle)" as they are)
 * and per function. Pure, unit-tested.
 */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
  samples?: number[];
  /** µs since the previous sample (the first: since the start). */
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  /** Share of the non-idle time. */
  share: number;
}

/** The bucket a frame's self time goes to: `src/x.ts`, `node_modules/<package>`, `node:internal`, or a pseudo-frame. */
export function fileBucket(url: string, functionName: string, root: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const p = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
  if (p.startsWith('node:') || !p.startsWith('/')) return 'node:internal';
  const nm = p.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = p.slice(nm + 14).split('/');
    return `node_modules/${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  return path.relative(root, p);
}

/**
 * Self time by file and by function, largest first. A sample's time is the gap to the
 * next sample (the last takes the mean gap), which is how DevTools attributes it.
 * Time in a V8 builtin or native function (no script URL: Array.prototype.map,
 * JSON.parse, a Buffer read) is charged to the file of the nearest JS caller, and named
 * `<builtin> <- <caller>` among functions: "(native)" alone says nothing about whose work
 * it was. "(idle)" is reported but not counted in the shares: shares are of the time the
 * thread worked.
 */
export function summarizeProfile(p: CpuProfile, root: string): { totalMs: number; idleMs: number; byFile: SelfTime[]; byFunction: SelfTime[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  if (samples.length > 0) {
    const mean = (p.endTime - p.startTime) / samples.length;
    for (let i = 0; i < samples.length; i++) {
      const us = i + 1 < deltas.length ? deltas[i + 1]! : mean;
      self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + Math.max(0, us));
    }
  } else {
    const total = p.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
    const per = total > 0 ? (p.endTime - p.startTime) / total : 0;
    for (const n of p.nodes) if (n.hitCount) self.set(n.id, n.hitCount * per);
  }
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (cf: CpuProfile['nodes'][number]['callFrame']) => `${cf.functionName || '(anonymous)'} ${fileBucket(cf.url, cf.functionName, root)}:${cf.lineNumber + 1}`;
  const files = new Map<string, number>();
  const fns = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const cf = n.callFrame;
    total += us;
    if (cf.functionName === '(idle)' && !cf.url) {
      idle += us;
      continue;
    }
    let file = fileBucket(cf.url, cf.functionName, root);
    let fn = cf.url ? label(cf) : file;
    if (!cf.url && !cf.functionName.startsWith('(')) {
      // A builtin: charge its JS caller's file.
      let up = parent.get(id);
      while (up !== undefined && !byId.get(up)!.callFrame.url) up = parent.get(up);
      const caller = up === undefined ? null : byId.get(up)!.callFrame;
      file = caller ? fileBucket(caller.url, caller.functionName, root) : '(native)';
      fn = `${cf.functionName || '(anonymous)'} <- ${caller ? label(caller) : '?'}`;
    }
    files.set(file, (files.get(file) ?? 0) + us);
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const busy = total - idle;
  const rank = (m: Map<string, number>): SelfTime[] =>
    [...m].map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : 0 })).sort((a, b) => b.ms - a.ms || (a.name < b.name ? -1 : 1));
  return { totalMs: total / 1000, idleMs: idle / 1000, byFile: rank(files), byFunction: rank(fns) };
}
