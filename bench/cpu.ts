// CPU seconds of the emulator process, for the benches that say where the CPU goes.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) of the process listening on `port` (Linux /proc; NaN elsewhere). */
export function cpuSecondsOfPort(port: string): number {
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.includes('-port') && cmd[cmd.indexOf('-port') + 1] === port) {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return (Number(f[11]) + Number(f[12])) / 100;
      }
    }
  } catch {
    /* not Linux */
  }
  return Number.NaN;
}
