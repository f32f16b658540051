import type { NatsTransportEvent } from '@armada/transport-nats';
import { CommandFailedError } from './errors.js';

/**
 * Watches NATS connection events for the server refusing this user the cluster's subjects (a
 * permissions violation): a node that cannot subscribe or publish there is deaf or mute, so the
 * command should fail and say why rather than run on, seeing nothing. `refused` settles (resolves
 * with the error) on the first refusal and never otherwise.
 */
export function watchRefusals(cluster: string, prefix: string): { onEvent: (event: NatsTransportEvent) => void; refused: Promise<CommandFailedError>; readonly seen: CommandFailedError | undefined } {
  let report: (error: CommandFailedError) => void = () => undefined;
  let seen: CommandFailedError | undefined;
  const refused = new Promise<CommandFailedError>((resolve) => (report = resolve));
  return {
    refused,
    get seen() {
      return seen;
    },
    onEvent: (event) => {
      if (seen !== undefined || event.type !== 'error' || !/permissions violation/i.test(event.error.message)) return;
      seen = new CommandFailedError(
        `the NATS server refused this user the subjects of cluster "${cluster}" (prefix "${prefix}"): ${event.error.message}; ` +
          `check --cluster, --prefix and the user's permissions`,
        { code: 'ERR_PERMISSION', cause: event.error },
      );
      report(seen);
    },
  };
}
