/**
 * Making a data folder unwritable for a drill, in a way that holds for the user the tests run as.
 *
 * - Not root: `chmod 0o555` on the folder (and its subfolders): no file can be created or renamed
 *   in it, which is what an atomic write (temporary file + rename) needs.
 * - Root ignores permission bits, so instead: `chattr +i` on the folder (and its subfolders), the
 *   immutable attribute, which stops even root from creating, renaming or deleting entries in it —
 *   the same effect as 0o555 for a user. It needs a file system with attributes (ext4, xfs, btrfs)
 *   and CAP_LINUX_IMMUTABLE.
 * - Root where `chattr` does not work: the folder is moved aside and a plain file put in its place,
 *   so every path under the folder fails with ENOTDIR (open descriptors keep working, as they do
 *   under 0o555). Restoring moves it back.
 * Each method is verified (creating a file in the folder must fail) before it is used.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A folder made unwritable, and how to undo it. */
export interface Unwritable {
  /** Which method was used: `chmod 0555`, `chattr +i` or `ENOTDIR`. */
  readonly method: string;
  /** Makes the folder writable again (safe to call twice). */
  restore(): void;
}

/** The folder and every folder below it. */
function foldersUnder(folder: string): string[] {
  const below = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => foldersUnder(path.join(folder, e.name)));
  return [folder, ...below];
}

/** Whether a new file can be created in `folder` (the probe is removed again). */
function canCreateIn(folder: string): boolean {
  const probe = path.join(folder, `.drill-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
  } catch {
    return false;
  }
  rmSync(probe, { force: true });
  return true;
}

function tryChattr(folders: readonly string[], flag: '+i' | '-i'): boolean {
  try {
    for (const folder of folders) execFileSync('chattr', [flag, folder], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Makes `folder` unwritable with the first method that works for this user; see the module comment. */
export function makeUnwritable(folder: string): Unwritable {
  const folders = foldersUnder(folder);
  const root = process.getuid?.() === 0;
  if (!root) {
    for (const f of folders) chmodSync(f, 0o555);
    const restore = () => {
      for (const f of folders) chmodSync(f, 0o755);
    };
    if (!canCreateIn(folder)) return { method: 'chmod 0555', restore };
    restore();
  } else if (tryChattr(folders, '+i')) {
    const restore = () => {
      tryChattr(folders, '-i');
    };
    if (!canCreateIn(folder)) return { method: 'chattr +i', restore };
    restore();
  }
  const aside = `${folder}.aside`;
  renameSync(folder, aside);
  writeFileSync(folder, 'not a folder: a fault drill put this file here\n');
  let restored = false;
  return {
    method: 'ENOTDIR',
    restore() {
      if (restored) return;
      rmSync(folder, { force: true });
      renameSync(aside, folder);
      restored = true;
    },
  };
}
