/** One turn: `ready` resolves once every turn taken before it is done. */
export interface Turn {
  ready: Promise<void>;
  done: () => void;
}

/** Turns handed out in the order they are taken, each ready when the one before it is done. */
export class Turns {
  private last: Promise<void> = Promise.resolve();

  take(): Turn {
    const ready = this.last;
    let done!: () => void;
    this.last = new Promise<void>((resolve) => (done = resolve));
    return { ready, done };
  }
}
