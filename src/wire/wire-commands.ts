import type { CommandContext } from '../core/command.js';
import { UsageError } from '../core/errors.js';
import type { Wire } from './wire.js';

/** The wire of a command's context; a mistake to use a wire command where none runs. */
export function needWire(ctx: CommandContext): Wire {
  if (ctx.wire === undefined) throw new UsageError('noWire', 'The news wire is not running here.');
  return ctx.wire;
}
