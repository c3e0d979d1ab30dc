/**
 * The `peripherals.kioskScreen` section of a terminal's config: a schema only,
 * so the terminal's config (firmware/config/face-schema.ts) embeds it as the
 * driver's contract; app/registry-kiosk-screen.ts opens the kind it names.
 */
import { z } from 'zod';
import { isLoopbackHost } from '../../base/net.ts';

/** The web screen's port when the config names none (Chromium in kiosk mode opens http://127.0.0.1:8780). */
export const KIOSK_SCREEN_PORT_DEFAULT = 8780;

/**
 * Why a host beyond loopback is refused, or null when it may be used. The page
 * and its WebSocket have no login: anyone who reaches them sees each customer's
 * balance. A screen on another machine is the site's explicit choice.
 */
export function hostRefusal(host: string, allowNonLoopback: boolean): string | null {
  if (isLoopbackHost(host) || allowNonLoopback) return null;
  return (
    `${host} is not loopback: the kiosk page has no login and shows customers' balances, ` +
    'so it listens on 127.0.0.1 unless allowNonLoopback is true'
  );
}

export const KioskScreenConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('web'),
      host: z.string().min(1).default('127.0.0.1'),
      /** 0: any free port (tests). */
      port: z.number().int().min(0).max(65_535).default(KIOSK_SCREEN_PORT_DEFAULT),
      allowNonLoopback: z.boolean().default(false),
    })
    .strict()
    .superRefine((c, ctx) => {
      const refusal = hostRefusal(c.host, c.allowNonLoopback);
      if (refusal) ctx.addIssue({ code: 'custom', path: ['host'], message: refusal });
    }),
  /** The simulator's twin: records each screen the kiosk shows. */
  z.object({ kind: z.literal('twin') }).strict(),
]);
export type KioskScreenConfig = z.infer<typeof KioskScreenConfigSchema>;
