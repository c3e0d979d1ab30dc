/**
 * Where a chip's lines start in the sysfs GPIO numbering. sysfs numbers
 * lines globally: BCM line 17 is sysfs GPIO 17 only on old kernels; since
 * Linux 6.6 the Pi's header chip starts at 512 (Pi 4, pinctrl-bcm2711) or 571
 * (Pi 5, pinctrl-rp1), so "export 17" fails with EINVAL. We read each
 * /sys/class/gpio/gpiochipN/{label,base} at start and add the base.
 */
export interface SysfsReader {
  /** Names in a directory, or null if it cannot be read. */
  list(dir: string): string[] | null;
  /** A file's text, or null if it cannot be read. */
  read(path: string): string | null;
}

export const SYSFS_GPIO_DIR = '/sys/class/gpio';

/** Header-pin chips by Pi model; the Pi 5's pinctrl-bcm2712 chips are on-board lines, not the header. */
export const PI_HEADER_LABELS: readonly string[] = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

export type SysfsBaseResult = { ok: true; base: number; chip: string; label: string } | { ok: false; message: string };

/** Finds the chip labelled `label` (or the first Pi header chip present) and its base. */
export function findSysfsBase(fs: SysfsReader, label?: string): SysfsBaseResult {
  const names = fs.list(SYSFS_GPIO_DIR);
  if (names === null) {
    return {
      ok: false,
      message: `${SYSFS_GPIO_DIR} is missing: this kernel has no sysfs GPIO, use gpio.backend "gpiod"`,
    };
  }
  const chips = names
    .filter((n) => /^gpiochip\d+$/.test(n))
    .map((chip) => {
      const base = fs.read(`${SYSFS_GPIO_DIR}/${chip}/base`)?.trim() ?? '';
      return {
        chip,
        label: fs.read(`${SYSFS_GPIO_DIR}/${chip}/label`)?.trim() ?? '',
        base: /^\d+$/.test(base) ? Number(base) : null,
      };
    });
  const wanted = label === undefined ? PI_HEADER_LABELS : [label];
  for (const w of wanted) {
    const c = chips.find((x) => x.label === w);
    if (c === undefined) continue;
    if (c.base === null) return { ok: false, message: `${SYSFS_GPIO_DIR}/${c.chip}/base is not a number` };
    return { ok: true, base: c.base, chip: c.chip, label: c.label };
  }
  const seen = chips.map((c) => `${c.chip} "${c.label}"`).join(', ') || 'none';
  return { ok: false, message: `no GPIO chip labelled ${wanted.join(' or ')} (found: ${seen}): set gpio.sysfsLabel` };
}
