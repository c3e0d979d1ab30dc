import type { TerminalConfig } from '../config/schema.ts';
import { openAttendanceApp, openDoorApp, openKioskApp, openParkingApp, type RoleOpen } from './role-app.ts';
import { Terminal, type TerminalDeps } from './terminal.ts';

/**
 * The one place a terminal is put together from its config, on a device
 * (`onecard run`) and in the simulator (SimWorld, `onecard sim`) alike: CI
 * runs the composition a device runs. The role seam is ROLES: the door,
 * kiosk and desk roles add their opener here, keyed by the config's
 * `terminal.roles`; each opens its stores and its app from the same deps.
 */
export type Role = TerminalConfig['terminal']['roles'][number];

/**
 * A role that cannot open on this config is a value naming the field and the
 * fix (an installer's mistake, not a crash); a store that cannot open still throws.
 */
export type Composed = { ok: true; terminal: Terminal } | { ok: false; field: string; message: string };

const ROLES: Record<Role, (d: TerminalDeps) => Composed> = {
  pos: (d) => ({ ok: true, terminal: Terminal.open(d) }),
  door: (d) => withRole(d, openDoorApp),
  attendance: (d) => withRole(d, openAttendanceApp),
  parking: (d) => withRole(d, openParkingApp),
  kiosk: (d) => withRole(d, openKioskApp),
};

/** The terminal's stores, then the role's app on them; a role that cannot open closes the stores again. */
function withRole(d: TerminalDeps, open: (t: Terminal, d: TerminalDeps) => RoleOpen): Composed {
  const t = Terminal.openStores(d);
  const r = open(t, d);
  if (!r.ok) {
    t.close();
    return { ok: false, field: r.field, message: `${r.field}: ${r.message}` };
  }
  t.role = r.app;
  return { ok: true, terminal: t };
}

/** Opens the terminal its config describes; logs `terminal.composed` (the tests see both paths reach it). */
export function composeTerminal(d: TerminalDeps): Composed {
  // The schema admits one role per terminal today: a terminal with several waits for a role that shares a reader.
  const [role] = d.config.terminal.roles;
  d.log.info('terminal.composed', {
    terminal: d.config.terminal.id,
    role,
    reader: d.config.peripherals?.reader.kind ?? 'simulator',
  });
  return ROLES[role](d);
}

/** For the simulator and the tests, whose configs are generated: a refusal there is a bug, so it throws. */
export function composedOrThrow(c: Composed): Terminal {
  if (!c.ok) throw new Error(`composeTerminal: ${c.message}`);
  return c.terminal;
}
