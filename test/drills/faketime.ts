/**
 * A moved system clock for a child process: libfaketime (Debian's `faketime` package, which
 * `.ci/run` installs when it is missing) preloaded into the real bot, so `Date.now()` in it starts
 * at a chosen instant and runs on at normal speed from there.
 *
 * The library is preloaded directly rather than through the `faketime` command: that command
 * forks, and a SIGTERM sent to it is not passed on to the bot (which then outlives the drill).
 * Only the wall clock is faked (`FAKETIME_DONT_FAKE_MONOTONIC=1`): Node's timers and libuv run on the
 * monotonic clock, so they keep real time and nothing stalls; at speed 1 both clocks advance alike,
 * and node-cron's minute tick lands on the faked minute. The start instant is written in UTC
 * (`TZ=UTC` for the child: libfaketime reads the `@` time in the process's zone).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

const LIBRARY = 'libfaketime.so.1';
/** Debian's multiarch folder names for the CPUs Node reports. */
const MULTIARCH: Readonly<Record<string, string>> = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  arm: 'arm-linux-gnueabihf',
  ia32: 'i386-linux-gnu',
};

/** Where libfaketime is installed; throws, saying how to install it, when it is not. */
export function libfaketimePath(): string {
  const multiarch = MULTIARCH[process.arch];
  const folders = [
    ...(multiarch ? [`/usr/lib/${multiarch}/faketime`] : []),
    '/usr/lib/faketime',
    '/usr/lib64/faketime',
    '/usr/local/lib/faketime',
  ];
  for (const folder of folders) {
    const file = path.join(folder, LIBRARY);
    if (existsSync(file)) return file;
  }
  throw new Error(
    `libfaketime is not installed (looked for ${LIBRARY} in ${folders.join(', ')}); .ci/run installs it (apt-get install faketime)`,
  );
}

/** The environment that starts a child's wall clock at `startAt` (an instant; milliseconds are dropped). */
export function fakeClockEnv(startAt: string | Date): Record<string, string> {
  const iso = new Date(startAt).toISOString();
  return {
    LD_PRELOAD: libfaketimePath(),
    FAKETIME: `@${iso.slice(0, 10)} ${iso.slice(11, 19)}`,
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    TZ: 'UTC',
  };
}
