/** Runs an `engage` command in-process, as a shell would, and returns what it printed. */
import { Command } from 'commander';
import { vi } from 'vitest';

export async function runCli(register: (p: Command) => unknown, ...args: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
  try {
    const program = new Command().exitOverride();
    register(program);
    await program.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return lines.join('');
}
