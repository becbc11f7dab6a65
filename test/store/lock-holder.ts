/**
 * A second process for the lock tests: opens the lowdb store at `argv[2]`, says `open` on stdout,
 * and holds it until its stdin ends (then closes it and exits) or it is killed.
 */
import { silentLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb.js';

const store = await LowdbStore.open(process.argv[2]!, { logger: silentLogger });
process.stdout.write('open\n');
process.stdin.resume();
process.stdin.on('end', () => {
  void store.close().then(() => process.exit(0));
});
