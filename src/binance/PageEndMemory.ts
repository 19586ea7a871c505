/** Which end of its window a full `forceOrders` page keeps: the oldest 100 orders or the newest 100. */
export type PageEnd = 'oldest' | 'newest';

/**
 * What the paging has learnt about the server's page end, kept for a client's life (Binance does not
 * document it, and it does not change under a running client). Only an order of trial: every window that
 * relies on it checks it again first, so a wrong memory costs one request, never an order.
 */
export class PageEndMemory {
  private learnt: PageEnd | undefined;

  /** The end to try first: the last one a window confirmed, else `oldest` ("Data is returned in ascending order. Oldest first"). */
  get first(): PageEnd {
    return this.learnt ?? 'oldest';
  }

  /** The page end last confirmed, if any. */
  get known(): PageEnd | undefined {
    return this.learnt;
  }

  /** Records what a window's check confirmed. */
  confirm(end: PageEnd): void {
    this.learnt = end;
  }

  /** Forgets an end a window's check contradicted, so the next window tries the other first. */
  contradict(end: PageEnd): void {
    if (this.learnt === end) this.learnt = undefined;
  }
}
