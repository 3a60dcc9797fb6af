/** What the kernel says of a process's threads (/proc), for tests of thread priorities. */
import { readFileSync } from 'node:fs';

export /** A thread's nice value as the kernel reports it (/proc/<pid>/task/<tid>/stat, field 19). */
function niceOf(pid: number, tid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const nice = Number(fields[16]);
    return Number.isInteger(nice) ? nice : undefined;
  } catch {
    return undefined;
  }
}
