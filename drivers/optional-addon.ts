/**
 * Loads an optional native addon (spi-device, onoff) that only a device
 * installs: CI and the simulator never need it. The name is a variable so
 * type checkers and bundlers do not try to resolve it at build time; the one
 * computed import() of drivers/ is here (the layer test lists it).
 */
export type AddonResult<T> = { ok: true; module: T } | { ok: false; message: string };

export async function loadOptionalAddon<T>(name: string): Promise<AddonResult<T>> {
  try {
    const mod = (await import(name)) as { default?: T } & T;
    return { ok: true, module: mod.default ?? mod };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      return { ok: false, message: `${name} is not installed: npm install ${name} on the terminal` };
    }
    return { ok: false, message: `${name} did not load: ${(err as Error).message}` };
  }
}
