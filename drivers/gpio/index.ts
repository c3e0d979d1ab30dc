/**
 * GPIO inputs, as small as the Wiegand reader needs: edge events with the
 * time they happened. The timestamp comes from the source (the kernel's line
 * event, gpiomon's output, or the simulator's clock), never from when the
 * callback ran, so decoders can judge bit timing however late they run.
 * Real implementations (gpiod CLI, node-libgpiod) and their fakes implement
 * this; see docs/dependencies.md "onoff" for why not sysfs.
 */
export type Edge = 'rising' | 'falling' | 'both';

export interface GpioInput {
  /**
   * Calls `onEdge` for every matching edge on `line` with its timestamp in
   * microseconds on a monotonic clock. Returns a function that stops watching.
   */
  watch(line: number, edge: Edge, onEdge: (timestampUs: number, level: 0 | 1) => void): () => void;
  close(): Promise<void>;
}
