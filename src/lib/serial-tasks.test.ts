import { describe, expect, it } from 'vitest';
import { createSerialTasks } from './serial-tasks.ts';

describe('serial background tasks', () => {
  it('arms one delayed run per burst, runs tasks one at a time, and keeps going after a failure', async () => {
    const tasks = createSerialTasks();
    const log: string[] = [];
    const errors: unknown[] = [];
    const task = (name: string, ms = 5) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
    };
    tasks.later(10_000, task('a'), (e) => errors.push(e));
    tasks.later(10_000, task('b'), (e) => errors.push(e)); // covered by the armed run
    void tasks.now(async () => {
      throw new Error('boom');
    }, (e) => errors.push(e));
    void tasks.now(task('c'), (e) => errors.push(e));
    await tasks.idle();
    expect(log).toEqual(['start c', 'end c', 'start a', 'end a']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
  });

  it('runs nothing armed once closed', async () => {
    const tasks = createSerialTasks();
    let ran = false;
    tasks.later(1, async () => void (ran = true), () => {});
    await tasks.close();
    tasks.later(1, async () => void (ran = true), () => {});
    await new Promise((r) => setTimeout(r, 20));
    expect({ ran, closed: tasks.closed }).toEqual({ ran: false, closed: true });
  });
});
