import { Actor } from '@armada/actors';
import type { DefinitionClient, IngressStats } from './definition-client.js';

/** Where every machine answers asks for what it fetched by hash. */
export const INGRESS_PATH = '/user/armada-ingress';

/** Asked: the machine's {@link IngressStats}. */
export interface IngressQuery {
  readonly type: 'ingress';
}

/** Answers a machine's byte counts of definitions, modules and shared values it received. */
export class IngressReporter extends Actor<IngressQuery> {
  constructor(private readonly client: DefinitionClient) {
    super();
  }

  receive(_msg: IngressQuery): IngressStats {
    return this.client.stats();
  }
}
