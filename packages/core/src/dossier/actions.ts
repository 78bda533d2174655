/**
 * The one table of allowed actions: legal status → commands. `decide` consults it first; the
 * finer rules (who, which step, once-only limits) come after. Before submission only `submit`.
 */

import type { CommandType } from './commands.ts';
import type { DossierStatus } from './status.ts';

export const INITIAL_COMMANDS: readonly CommandType[] = ['submit'];

export const ALLOWED_COMMANDS: Readonly<Record<DossierStatus, readonly CommandType[]>> = {
  submitted: ['receive', 'request_supplement', 'refuse', 'withdraw'],
  received: ['forward', 'request_fee', 'withdraw', 'stop'],
  processing: [
    'claim',
    'assign',
    'forward',
    'send_back',
    'consult',
    'consultation_result',
    'approve',
    'sign',
    'rollback',
    'request_supplement',
    'refuse',
    'request_fee',
    'extend',
    'withdraw',
    'stop',
    'finish',
  ],
  supplement_requested: ['supplement_provided', 'withdraw', 'stop', 'close_incomplete'],
  fee_requested: ['fee_paid', 'withdraw', 'stop'],
  withdrawal_requested: ['stop'],
  stopped: [],
  refused: [],
  result_ready: ['request_fee', 'rollback', 'return_result'],
  returned: ['rate'],
  closed: [],
};

export function isCommandAllowed(status: DossierStatus | null, type: CommandType): boolean {
  return (status === null ? INITIAL_COMMANDS : ALLOWED_COMMANDS[status]).includes(type);
}
