// CPU time of SwiftShader's worker threads (named "Thread<NN>" by marl), read from /proc (Linux only).
// On a software adapter that is the work a kernel did; other processes on a busy machine disturb it
// far less than elapsed time, which makes it the better A/B measure there.
import { readdirSync, readFileSync } from 'node:fs';

/** Nanoseconds of CPU the software-GPU worker threads of this process have used, or NaN where unknown. */
export function softwareGpuCpuNs(): number {
  let total = 0;
  let found = false;
  try {
    for (const task of readdirSync('/proc/self/task')) {
      try {
        if (!readFileSync(`/proc/self/task/${task}/comm`, 'utf8').startsWith('Thread<')) continue;
        total += Number(readFileSync(`/proc/self/task/${task}/schedstat`, 'utf8').split(' ')[0]);
        found = true;
      } catch {
        // the thread exited between listing and reading
      }
    }
  } catch {
    return Number.NaN;
  }
  return found ? total : Number.NaN;
}
