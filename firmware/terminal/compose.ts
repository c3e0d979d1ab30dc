import type { TerminalConfig } from '../config/schema.ts';
import { ConfigError } from '../config/schema.ts';
import { openAttendanceApp, openDoorApp, openParkingApp, type RoleOpen } from './role-app.ts';
import { Terminal, type TerminalDeps } from './terminal.ts';

/**
 * The one place a terminal is put together from its config, on a device
 * (`onecard run`) and in the simulator (SimWorld, `onecard sim`) alike: CI
 * runs the composition a device runs. The role seam is ROLES: the door,
 * kiosk and desk roles add their opener here, keyed by the config's
 * `terminal.roles`; each opens its stores and its app from the same deps.
 */
export type Role = TerminalConfig['terminal']['roles'][number];

const ROLES: Record<Role, (d: TerminalDeps) => Terminal> = {
  pos: (d) => Terminal.open(d),
  door: (d) => withRole(d, 'door', openDoorApp),
  attendance: (d) => withRole(d, 'attendance', openAttendanceApp),
  parking: (d) => withRole(d, 'parking', openParkingApp),
};

/** The terminal's stores, then the role's app on them; a role that cannot open closes the stores again. */
function withRole(d: TerminalDeps, role: Role, open: (t: Terminal, d: TerminalDeps) => RoleOpen): Terminal {
  const t = Terminal.open(d);
  const r = open(t, d);
  if (!r.ok) {
    t.close();
    throw new ConfigError(role, `${role}: ${r.message}`);
  }
  t.role = r.app;
  return t;
}

/** Opens the terminal its config describes; logs `terminal.composed` (the tests see both paths reach it). */
export function composeTerminal(d: TerminalDeps): Terminal {
  // The schema admits one role per terminal today: a terminal with several waits for a role that shares a reader.
  const [role] = d.config.terminal.roles;
  d.log.info('terminal.composed', {
    terminal: d.config.terminal.id,
    role,
    reader: d.config.peripherals?.reader.kind ?? 'simulator',
  });
  return ROLES[role](d);
}
