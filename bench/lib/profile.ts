/**
 * CPU profiles of a benchmark's timed phase, taken with node:inspector in the process that runs
 * it, and their summary: where the sampled time went, by function and by area of the code.
 */
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/** The V8 CPU profile as the inspector returns it (the fields read here). */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One line of a summary: a function or an area, its self time and share of the samples. */
export interface ProfileLine {
  readonly name: string;
  readonly selfMs: number;
  readonly share: number;
}

/** Starts sampling this thread; the function returned stops and gives the profile. */
export async function startProfile(): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return profile as CpuProfile;
  };
}

/** The area of the code a sampled frame belongs to: a package, a src/ folder, or V8's own. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1]!;
  const src = /\/(src|bench|commands)\/([^/]+)\//.exec(url);
  if (src !== null) return `${src[1]}/${src[2]}`;
  return url.startsWith('node:') ? 'node' : path.basename(url);
}

/** Self time by function (with its file) and by area, the largest first, `top` of each. */
export function summariseProfile(
  profile: CpuProfile,
  top = 15,
): { functions: ProfileLine[]; areas: ProfileLine[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const micros = profile.timeDeltas[i] ?? 0;
    if (frame === undefined || micros <= 0) return;
    total += micros;
    const file = frame.url === '' ? '' : ` (${path.basename(frame.url)})`;
    const name = `${frame.functionName || '(anonymous)'}${file}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + micros);
  });
  const lines = (table: Map<string, number>): ProfileLine[] =>
    [...table]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, selfMs: micros / 1000, share: micros / total }));
  return { functions: lines(functions), areas: lines(areas) };
}
