/**
 * CPU time of a private PostgreSQL server (test/pg/server.ts) for benchmarks: on a shared
 * machine the figure that other work moves least, and the part of a question's cost the bot
 * process's own CPU time does not show.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * CPU milliseconds used so far by the server whose data directory is `dataDir`: its postmaster
 * and the backends it forked, read from /proc — those still running from their own times, those
 * that have ended from the postmaster's times of its reaped children (a pool closing idle
 * connections would otherwise take their CPU out of the sum).
 */
export function serverCpuMs(dataDir: string): number {
  const postmaster = Number(
    fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const tick = 10; // USER_HZ is 100 on Linux
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(pid) === postmaster)
        ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      else if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks * tick;
}
