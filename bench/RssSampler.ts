import { resourceUsage } from 'node:process';

/** Peak resident memory of this process, in MB. */
export interface RssPeak {
  /** RSS when sampling began, for scale. */
  baselineMb: number;
  /** Highest `process.memoryUsage().rss` sampled. */
  sampledMb: number;
  /** The kernel's high-water mark (`resourceUsage().maxRSS`), which catches peaks between samples. */
  maxRssMb: number;
  /** Highest `process.memoryUsage().heapUsed` sampled: the V8 heap's share of the peak, garbage included. */
  heapUsedMb: number;
}

const MB = 1024 * 1024;

/** Samples `process.memoryUsage().rss` every `everyMs` until `stop()`. */
export class RssSampler {
  private readonly baseline = process.memoryUsage().rss;
  private peak = this.baseline;
  private heapPeak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 20) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  /** Takes one sample now (call it at moments known to be heavy, too). */
  sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    this.peak = Math.max(this.peak, rss);
    this.heapPeak = Math.max(this.heapPeak, heapUsed);
  }

  /** Stops sampling and returns the peaks. */
  stop(): RssPeak {
    clearInterval(this.timer);
    this.sample();
    // maxRSS is in kilobytes (getrusage ru_maxrss on Linux).
    return {
      baselineMb: this.baseline / MB,
      sampledMb: this.peak / MB,
      maxRssMb: (resourceUsage().maxRSS * 1024) / MB,
      heapUsedMb: this.heapPeak / MB,
    };
  }
}
