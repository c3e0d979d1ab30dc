import type { TerminalConfig } from '../config/schema.ts';
import {
  openAttendanceApp,
  openDeskApp,
  openDoorApp,
  openKioskApp,
  openParkingApp,
  type RoleOpen,
  storesRefused,
} from './role-app.ts';
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
 * A terminal that cannot open on this config is a value naming the field and
 * the fix (an installer's mistake, not a crash): the stores under
 * `storage.dataDir`, or the role's section (its refusals, and what its
 * relays' GPIO lines or its wiring threw while it opened).
 */
export type Composed = { ok: true; terminal: Terminal } | { ok: false; field: string; message: string };
type Refused = Extract<Composed, { ok: false }>;
const refused = (r: { field: string; message: string }): Refused => ({
  ...r,
  ok: false,
  message: `${r.field}: ${r.message}`,
});

const ROLES: Record<Role, (d: TerminalDeps) => Composed> = {
  pos: (d) => stores(d, () => Terminal.open(d)),
  door: (d) => withRole(d, 'door', openDoorApp),
  attendance: (d) => withRole(d, 'attendance', openAttendanceApp),
  parking: (d) => withRole(d, 'parking', openParkingApp),
  desk: (d) => withRole(d, 'desk', openDeskApp),
  kiosk: (d) => withRole(d, 'kiosk', openKioskApp),
};

/** Opens the stores (the POS opens with them); what they throw is the data dir's problem. */
function stores(d: TerminalDeps, open: () => Terminal): Composed {
  try {
    return { ok: true, terminal: open() };
  } catch (e) {
    return refused(storesRefused(d.config.storage.dataDir, e));
  }
}

/** The terminal's stores, then the role's app on them; a role that cannot open closes the stores again. */
function withRole(d: TerminalDeps, role: Role, open: (t: Terminal, d: TerminalDeps) => RoleOpen): Composed {
  const s = stores(d, () => Terminal.openStores(d));
  if (!s.ok) return s;
  const t = s.terminal;
  let r: RoleOpen;
  try {
    r = open(t, d);
  } catch (e) {
    // A relay line the GPIO driver will not give, a wiring the controller refuses: the role's section says which.
    r = { ok: false, field: role, message: `cannot open the ${role} role: ${(e as Error).message}` };
  }
  if (!r.ok) {
    t.close();
    return refused(r);
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
