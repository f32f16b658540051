import { Actor } from '@armada/actors';
import type { DefinitionRegistry } from './definition-registry.js';
import type { DefinitionServerMsg, FetchReply } from './definitions-protocol.js';

/**
 * Serves a master's {@link DefinitionRegistry} to machines (see `definitions-protocol.ts`).
 * Stateless apart from the registry: every ask is answered at once, found or not.
 */
export class DefinitionServer extends Actor<DefinitionServerMsg> {
  constructor(private readonly registry: DefinitionRegistry) {
    super();
  }

  receive(msg: DefinitionServerMsg): FetchReply {
    switch (msg.kind) {
      case 'definition': {
        const def = this.registry.definition(msg.hash);
        if (def === undefined) return { found: false };
        this.registry.sent(msg.machine, 0, false);
        return { found: true, def };
      }
      case 'module': {
        const module = this.registry.module(msg.hash);
        if (module === undefined) return { found: false };
        this.registry.sent(msg.machine, Buffer.byteLength(module.code), false);
        return { found: true, ...module };
      }
      case 'shared': {
        const bytes = this.registry.sharedValue(msg.hash);
        if (bytes === undefined) return { found: false };
        this.registry.sent(msg.machine, bytes.byteLength, true);
        return { found: true, bytes };
      }
    }
  }
}
