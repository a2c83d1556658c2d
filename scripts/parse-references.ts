/**
 * The parse benchmarks' references: pandas.read_csv (C engine, float32) or
 * numpy.loadtxt on the same file, timed inside Python. Node script helper: not part
 * of the app bundle.
 */
import { spawnSync } from 'node:child_process';

/** The first Python with `lib`: the one on PATH, then Debian's (python3-pandas installs there). */
export function pythonWith(lib: string): string | null {
  for (const exe of ['python3', '/usr/bin/python3']) {
    if (spawnSync(exe, ['-c', `import ${lib}`]).status === 0) return exe;
  }
  return null;
}

/** Wall and CPU seconds of the reference reader, or null. */
export function referenceSeconds(exe: string, file: string, lib: 'pandas' | 'numpy'): { wall: number; cpu: number } | null {
  const code =
    lib === 'pandas'
      ? `import time, numpy as np, pandas as pd\nt=time.perf_counter()\nc=time.process_time()\ndf=pd.read_csv(${JSON.stringify(file)}, sep=' ', header=None, dtype=np.float32, engine='c')\nprint(time.perf_counter()-t, time.process_time()-c)`
      : `import time, numpy as np\nt=time.perf_counter()\nc=time.process_time()\na=np.loadtxt(${JSON.stringify(file)}, dtype=np.float32)\nprint(time.perf_counter()-t, time.process_time()-c)`;
  const run = spawnSync(exe, ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) {
    console.log(`${lib} failed: ${run.stderr.trim().split('\n').at(-1)}`);
    return null;
  }
  const [wall, cpu] = run.stdout.trim().split(/\s+/).map(Number);
  return { wall: wall!, cpu: cpu! };
}
