import { randomUUID } from 'node:crypto';

/** Which running instance this is: presence entries and bus publications carry it. */
export class InstanceIdentity {
  readonly id: string = randomUUID();
}
