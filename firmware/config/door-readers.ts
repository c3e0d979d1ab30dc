import { z } from 'zod';
import { READER_SLOTS, type ReaderSlot } from './reader-slots.ts';

/**
 * Which physical reader is which side of which door (`door.readers`), the
 * door's copy of the car park's `parking.lanes`: a controller with paired
 * readers (MFRC522s on CE0 and CE1, or a Wiegand reader as
 * `peripherals.reader`) says which one a person badges to go in and which to
 * come out, so anti-passback knows the direction. Without the list the one
 * reader is door 0's, with no side.
 */
export const DoorReaderSchema = z
  .object({
    reader: z.enum(READER_SLOTS, { message: 'the reader: "reader" or "reader2" (a key of peripherals)' }),
    /** The door's id (door.doors[].id). */
    door: z.number().int().min(0).max(31),
    /** The side a card at this reader is on (anti-passback); null on a door with one reader. */
    side: z.enum(['in', 'out'], { message: 'the side: "in" (entering) or "out" (leaving)' }).nullable().default(null),
  })
  .strict();
export type DoorReader = z.infer<typeof DoorReaderSchema>;

type Issue = { path: (string | number)[]; message: string };

/** The example fix for a door that lacks a side: the second reader on CE1 for its other side. */
const example = (door: number, side: 'in' | 'out') =>
  `{"reader": "${side === 'in' ? 'reader' : 'reader2'}", "door": ${door}, "side": "${side}"}`;

/** What is wrong with the section's reader list on its own (paths under `door`). */
export function doorReaderIssues(section: {
  doors: readonly { id: number; antiPassback: 'off' | 'hard' | 'soft' }[];
  readers: readonly DoorReader[];
}): Issue[] {
  const issues: Issue[] = [];
  const ids = new Set(section.doors.map((d) => d.id));
  section.readers.forEach((r, i) => {
    const first = section.readers.findIndex((x) => x.reader === r.reader);
    if (first !== i)
      issues.push({
        path: ['readers', i, 'reader'],
        message: `${r.reader} is readers[${first}] already: one reader is one side of one door`,
      });
    if (!ids.has(r.door))
      issues.push({ path: ['readers', i, 'door'], message: `no door ${r.door} in door.doors: name one of its ids` });
  });
  if (section.readers.length === 0) return issues;
  for (const d of section.doors) {
    if (d.antiPassback === 'off') continue;
    for (const side of ['in', 'out'] as const)
      if (!section.readers.some((r) => r.door === d.id && r.side === side))
        issues.push({
          path: ['readers'],
          message: `door ${d.id} has anti-passback (${d.antiPassback}): add its ${side} reader, e.g. ${example(d.id, side)}`,
        });
  }
  return issues;
}

/**
 * What a run needs of the readers (`peripherals` given): each named reader
 * wired, and a door with anti-passback told its sides (one reader with no side
 * cannot tell a person going in from one coming out). Paths from the root.
 */
export function doorReaderWiringIssues(
  door: { doors: readonly { id: number; antiPassback: string }[]; readers: readonly DoorReader[] },
  wired: (slot: ReaderSlot) => boolean,
): Issue[] {
  const issues: Issue[] = door.readers.flatMap((r, i) =>
    wired(r.reader)
      ? []
      : [
          {
            path: ['door', 'readers', i, 'reader'],
            message:
              `no peripherals.${r.reader}: ` +
              'add it (e.g. {"kind": "mfrc522", "device": "/dev/spidev0.1"}) or name "reader"',
          },
        ],
  );
  // With a list, a reader it leaves out would open door 0 with no side: around anti-passback.
  for (const slot of READER_SLOTS)
    if (door.readers.length > 0 && wired(slot) && !door.readers.some((r) => r.reader === slot))
      issues.push({
        path: ['door', 'readers'],
        message: `peripherals.${slot} is wired but no door.readers entry names it: add {"reader": "${slot}", "door": …}`,
      });
  const passback = door.doors.find((d) => d.antiPassback !== 'off');
  if (door.readers.length === 0 && passback)
    issues.push({
      path: ['door', 'readers'],
      message:
        `door ${passback.id} has anti-passback but no reader says which side it is: add ` +
        `[${example(passback.id, 'in')}, ${example(passback.id, 'out')}]`,
    });
  return issues;
}
