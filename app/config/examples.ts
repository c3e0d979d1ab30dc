import type { Role } from '../../firmware/terminal/compose.ts';

/**
 * `onecard config example --role ROLE`: a commented config that passes
 * `onecard config check` (a test holds it) and runs on a Pi wired as
 * docs/install.md's pin table says. One entry per role, beside the role seam.
 */
const POS = `// onecard terminal config: one canteen POS. JSON with // comments.
// Check it with: onecard config check FILE   Run it with: onecard run --config FILE
// Relative paths are taken from this file's folder.
{
  "terminal": {
    "id": 101, // this terminal's number at the backend (1..16777215)
    "name": "Canteen till 1",
    "tenantId": 1,
    "utcOffsetMinutes": 480, // local time for the card's day and the daily limits (UTC+8)
    "roles": ["pos"]
  },
  "storage": {
    "dataDir": "/var/lib/onecard", // journal, lists, credits: on the SD card, owner-only
    "keyFile": "/etc/onecard/master-keys.json" // the card master keys, 0600 (refused otherwise)
  },
  "peripherals": {
    // MFRC522 on SPI0, chip select CE0 (enable SPI: dtparam=spi=on in /boot/firmware/config.txt)
    "reader": { "kind": "mfrc522", "device": "/dev/spidev0.0", "speedHz": 4000000 },
    "gpio": {
      "backend": "gpiod", // the GPIO character device (apt install gpiod); "onoff" for old sysfs kernels
      "chip": "gpiochip0", // a Pi 5's header is gpiochip4 on older kernels: see gpiodetect
      "signals": {
        "buzzer": { "line": 18 }, // BCM numbers: header pin 12
        "green": { "line": 23 }, // pin 16
        "red": { "line": 24 } // pin 18
      }
    }
  },
  "backend": {
    "url": "wss://onecard.example.org:8443", // where the reference backend listens
    "terminalKeyFile": "/etc/onecard/terminal.key" // onecard backend key 101 --out FILE; 0600
  },
  "cardClasses": [
    { "id": 1, "name": { "zh": "员工", "en": "Staff" }, "dailyLimitCents": 10000 },
    { "id": 2, "name": { "zh": "学生", "en": "Student" }, "discountPercent": 10 },
    { "id": 9, "name": { "zh": "操作员", "en": "Operator" }, "operator": true }
  ],
  "pos": {
    "entryMode": "free", // the cashier keys the amount; "item", "fixed" and "simple" also exist
    "maxSaleCents": 100000, // 1000.00 per sale at most
    "requireOperator": true // a cashier signs in with an operator card first
  },
  // Member points (docs/points.md): 0 turns a ratio off; the backend keeps the balance and the levels
  "points": {
    "saleCentsPerPoint": 100, // a point per 1.00 charged; the fraction is dropped
    "topupCentsPerPoint": 0,
    "topupBonuses": [{ "minTopupCents": 10000, "bonusSubsidyCents": 1000 }], // top up 100.00, get 10.00 subsidy
    "memberLevels": false // the backend sets true when it gives levels: every tap then reads the card's level
  }
}
`;

const KIOSK = `// onecard terminal config: one self-service top-up kiosk (bills in, receipts out). JSON, // comments.
// Check it with: onecard config check FILE   Run it with: onecard run --config FILE
// Wiring: docs/install.md (the kiosk). To try it without devices, give every peripheral "kind": "twin",
// the reader "kind": "virtual", and add "sim": { "seed": 1 } (examples/terminal-kiosk-sim.json).
{
  "terminal": {
    "id": 401, // this terminal's number at the backend (1..16777215)
    "name": "Top-up kiosk, canteen hall",
    "tenantId": 1,
    "utcOffsetMinutes": 480, // local time for the card's day and the receipts (UTC+8)
    "roles": ["kiosk"]
  },
  "storage": {
    "dataDir": "/var/lib/onecard", // journal, lists, credits, the cash-box count: owner-only
    "keyFile": "/etc/onecard/master-keys.json" // the card master keys, 0600 (refused otherwise)
  },
  "peripherals": {
    // MFRC522 on SPI0, chip select CE0 (enable SPI: dtparam=spi=on in /boot/firmware/config.txt)
    "reader": { "kind": "mfrc522", "device": "/dev/spidev0.0", "speedHz": 4000000 },
    // CashCode validator, CCNET over RS-232 through a USB-serial adapter, 9600 8N1 (the factory setting)
    "billAcceptor": { "kind": "ccnet", "device": "/dev/ttyUSB0", "baud": 9600 },
    // USB thermal printer (kernel usblp); "serial" (device, baud) and "tcp" (host, port 9100) also exist
    "printer": { "kind": "usb-lp", "device": "/dev/usb/lp0" },
    // The touch screen's page, on loopback only: Chromium in kiosk mode opens http://127.0.0.1:8780
    "kioskScreen": { "kind": "web", "port": 8780 }
  },
  "backend": {
    "url": "wss://onecard.example.org:8443", // alarms, the cash records and remote switch-off go here
    "terminalKeyFile": "/etc/onecard/terminal.key" // onecard backend key 401 --out FILE; 0600
  },
  "cardClasses": [
    { "id": 1, "name": { "zh": "员工", "en": "Staff" } },
    { "id": 2, "name": { "zh": "学生", "en": "Student" } },
    { "id": 9, "name": { "zh": "操作员", "en": "Operator" }, "operator": true }
  ],
  "pos": {
    "balanceCapCents": 100000, // a card holds 1000.00 at most: bills that would pass it are not enabled
    "printer": { "paperMm": 80, "nativeQr": true, "language": "zh" } // the roll, QR by the printer, receipt language
  },
  "kiosk": {
    "topupMaxCents": 50000, // one session takes 500.00 in cash at most
    "operatorCards": [9001] // these cards open the cash-box count and the day's totals
  }
}
`;

/** Two MFRC522s on one SPI bus (CE0, CE1), the signals and the backend: the car park's and the paired door's wiring. */
const TWO_READERS_AND_BACKEND = `    "reader": { "kind": "mfrc522", "device": "/dev/spidev0.0" },
    "reader2": { "kind": "mfrc522", "device": "/dev/spidev0.1" },
    "gpio": {
      "backend": "gpiod",
      "chip": "gpiochip0",
      "signals": { "buzzer": { "line": 18 }, "green": { "line": 23 }, "red": { "line": 24 } }
    }
  },
  "backend": { "url": "wss://onecard.example.org:8443", "terminalKeyFile": "/etc/onecard/terminal.key" },
`;

const PARKING = `// onecard terminal config: a car park's entry and exit barrier on one terminal. JSON with // comments.
// Check it with: onecard config check FILE   Run it with: onecard run --config FILE
// One terminal drives both barriers so the car inside and its entry time are in its own journal (offline).
{
  "terminal": { "id": 501, "name": "Car park gate", "tenantId": 1, "utcOffsetMinutes": 480, "roles": ["parking"] },
  "storage": { "dataDir": "/var/lib/onecard", "keyFile": "/etc/onecard/master-keys.json" },
  "peripherals": {
    // Two MFRC522 readers on one SPI bus: the entry post's on CE0, the exit post's on CE1
${TWO_READERS_AND_BACKEND}  "cardClasses": [
    { "id": 1, "name": { "zh": "员工", "en": "Staff" } },
    { "id": 6, "name": { "zh": "月卡", "en": "Parking pass" } },
    { "id": 9, "name": { "zh": "操作员", "en": "Operator" }, "operator": true }
  ],
  "parking": {
    // Which barrier a card at each reader opens: one reader per barrier
    "lanes": [
      { "reader": "reader", "barrier": "entry" },
      { "reader": "reader2", "barrier": "exit" }
    ],
    // Each barrier's lift relay (BCM lines), pulsed for releaseMs once the passage is journaled
    "entryRelay": { "line": 5, "wiring": "fail-secure", "releaseMs": 2000 },
    "exitRelay": { "line": 12, "wiring": "fail-secure", "releaseMs": 2000 },
    // 15 free minutes, then 5.00 the first hour and 3.00 each hour after, at most 30.00 a day; 50.00 lost ticket
    "rates": {
      "freeMinutes": 15,
      "stepMinutes": 60,
      "firstStepCents": 500,
      "stepCents": 300,
      "dailyCapCents": 3000,
      "lostTicketCents": 5000
    },
    "passClasses": [6] // card classes that park free
  }
}
`;

const DOOR = `// onecard terminal config: a lobby door with an in-reader and an out-reader. JSON with // comments.
// Check it with: onecard config check FILE   Run it with: onecard run --config FILE
// Hard anti-passback: a card that went in cannot go in again until it has badged out.
{
  "terminal": { "id": 301, "name": "Lobby door", "tenantId": 1, "utcOffsetMinutes": 480, "roles": ["door"] },
  "storage": { "dataDir": "/var/lib/onecard", "keyFile": "/etc/onecard/master-keys.json" },
  "peripherals": {
    // Two MFRC522 readers on one SPI bus: outside the door on CE0, inside on CE1
${TWO_READERS_AND_BACKEND}  "cardClasses": [
    { "id": 1, "name": { "zh": "员工", "en": "Staff" } },
    { "id": 3, "name": { "zh": "访客", "en": "Visitor" } }
  ],
  "door": {
    "doors": [
      {
        "id": 0, // the door's bit in rules and grants (doors: 1 is door 0)
        "antiPassback": "hard", // "soft" opens and flags the record; "off" ignores the sides
        "relay": { "line": 5, "wiring": "fail-secure", "releaseMs": 3000 }, // a strike, released 3 s per grant
        "contact": { "line": 6, "activeLevel": 1 }, // the door contact: held-open and forced alarms
        "exitButton": { "line": 13, "activeLevel": 0 },
        "heldOpenMs": 30000,
        "signals": true
      }
    ],
    // Which reader is which side of which door: a card at "reader" goes in, at "reader2" comes out
    "readers": [
      { "reader": "reader", "door": 0, "side": "in" },
      { "reader": "reader2", "door": 0, "side": "out" }
    ],
    // Time zones: Monday first, minutes of the local day; staff 07:00-19:00 on weekdays
    "timeZones": [
      {
        "id": 1,
        "week": [
          [{ "fromMinute": 420, "untilMinute": 1140 }],
          [{ "fromMinute": 420, "untilMinute": 1140 }],
          [{ "fromMinute": 420, "untilMinute": 1140 }],
          [{ "fromMinute": 420, "untilMinute": 1140 }],
          [{ "fromMinute": 420, "untilMinute": 1140 }],
          [],
          []
        ],
        "holiday": []
      }
    ],
    "rules": [{ "cardClass": 1, "doors": 1, "timeZoneId": 1 }],
    // Local days off beside those the backend pushes (onecard backend holiday add)
    "holidays": ["2026-10-01"]
  }
}
`;

const DESK = `// onecard terminal config: the card office's desk terminal. JSON with // comments.
// Check it with: onecard config check FILE   Use it with: onecard desk --config FILE (the operator's console)
{
  "terminal": { "id": 100, "name": "Card office desk", "tenantId": 1, "utcOffsetMinutes": 480, "roles": ["desk"] },
  "storage": {
    "dataDir": "/var/lib/onecard", // journal, lists and the next card number, owner-only
    "keyFile": "/etc/onecard/master-keys.json" // the card master keys, 0600: the desk keys every card it issues
  },
  "peripherals": {
    // The desk reader: an MFRC522 on SPI0 CE0 ({"kind": "mfrc522-emulator"} runs it with no hardware)
    "reader": { "kind": "mfrc522", "device": "/dev/spidev0.0" }
  },
  // Online: issues, deposits and refunds reach the ledger; replacements get their proven balance
  "backend": { "url": "wss://onecard.example.org:8443", "terminalKeyFile": "/etc/onecard/terminal.key" },
  "cardClasses": [
    { "id": 1, "name": { "zh": "员工", "en": "Staff" }, "dailyLimitCents": 10000 }, // issue's default class
    { "id": 2, "name": { "zh": "学生", "en": "Student" }, "discountPercent": 10 },
    { "id": 9, "name": { "zh": "操作员", "en": "Operator" }, "operator": true }
  ],
  // The money rules a deposit is checked against (the balance cap: 2000.00 on a card at most)
  "pos": { "balanceCapCents": 200000 }
}
`;

/** The roles with an example; `onecard config example --role` offers exactly these. */
export const CONFIG_EXAMPLES = { pos: POS, door: DOOR, parking: PARKING, kiosk: KIOSK, desk: DESK } satisfies Partial<
  Record<Role, string>
>;
export type ExampleRole = keyof typeof CONFIG_EXAMPLES;

/**
 * The example to point at when a config's field is wrong: its role's (parking.lanes), else the
 * config's own role's (a kiosk's peripherals.printer), else the POS's.
 */
export function exampleFor(field: string, raw?: unknown): ExampleRole {
  const configRole = (raw as { terminal?: { roles?: unknown[] } } | null)?.terminal?.roles?.[0];
  const role = [field.split('.')[0], configRole].find((r) => typeof r === 'string' && r in CONFIG_EXAMPLES);
  return (role as ExampleRole | undefined) ?? 'pos';
}
