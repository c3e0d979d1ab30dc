import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText, readConfigFile, stripLineComments } from '../../app/config/config-file.ts';
import { runCli, STACK_FRAME } from './run-cli.ts';

const MATRIX_LINES = '"kind": "matrix", "rows": [5, 6, 12, 13], "columns": [16, 19, 20, 21]';

/** The terminal's one config file: `//` comments, the schema, every refusal naming the field and the fix. */
test('// comments go, // inside a string stays (a URL), line numbers are kept', () => {
  const text = '{\n  "url": "ws://host:1", // the backend\n  // a whole line\n  "a": "x\\"//y"\n}\n';
  const stripped = stripLineComments(text);
  assert.deepEqual(JSON.parse(stripped), { url: 'ws://host:1', a: 'x"//y' });
  assert.equal(stripped.split('\n').length, text.split('\n').length);
});

test('onecard config example --role pos prints a commented config that the check takes', async () => {
  const r = await runCli(['config', 'example', '--role', 'pos']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\/\/ /);
  const read = parseConfigText(r.stdout, 'example');
  assert.ok(read.ok, read.ok ? '' : read.message);
  assert.equal(read.config.peripherals?.reader.kind, 'mfrc522');
  assert.equal(read.config.backend?.terminalKeyFile, '/etc/onecard/terminal.key');
  const wrong = await runCli(['config', 'example', '--role', 'till']);
  assert.equal(wrong.code, 2);
});

test('a broken config is refused with the field and the fix; relative paths are the file folder`s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-config-'));
  try {
    const example = (await runCli(['config', 'example'])).stdout;
    const good = join(dir, 'good.json');
    writeFileSync(good, example.replace('"/var/lib/onecard"', '"data"'));
    const ok = await runCli(['config', 'check', good]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /ok — terminal 101 \(pos\), reader mfrc522/);
    const read = readConfigFile(good);
    assert.ok(read.ok);
    assert.equal(read.config.storage.dataDir, join(dir, 'data'));

    const cases: [string, string, RegExp][] = [
      ['"device": "/dev/spidev0.0"', '"device": "/dev/ttyS0"', /"peripherals\.reader\.device": an SPI device like/],
      ['"kind": "mfrc522"', '"kind": "nfc"', /"peripherals\.reader\.kind"/],
      ['"url": "wss://onecard.example.org:8443"', '"url": "http://x"', /"backend\.url": a backend address/],
      ['"line": 23', '"line": 18', /"peripherals\.gpio": line 18 is already signals\.buzzer/],
      ['"storage": {', '"sim": { "seed": 1 }, "storage": {', /"sim": a terminal with a real reader/],
      // The matrix keypad's key map: a key the pad does not have, a POS key that does not exist.
      [
        '"gpio": {',
        `"keypad": { ${MATRIX_LINES}, "map": { "A": "confirm", "E": "cancel" } }, "gpio": {`,
        /"peripherals\.keypad\.map": the 4×4 matrix keypad has no key E: use 1 2 3 A 4 5 6 B 7 8 9 C \* 0 # D/,
      ],
      [
        '"gpio": {',
        `"keypad": { ${MATRIX_LINES}, "map": { "A": "enter" } }, "gpio": {`,
        /"peripherals\.keypad\.map\.A": must be a POS key: 0 1 2 .* confirm cancel back undo totals topup/,
      ],
      [
        '"gpio": {',
        '"keypad": { "kind": "matrix", "rows": [5, 6, 12, 18], "columns": [16, 19, 20, 21] }, "gpio": {',
        /GPIO line 18 is already signals\.buzzer: give keypad\.rows\[3\] its own/,
      ],
    ];
    for (const [from, to, field] of cases) {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, example.replace(from, to));
      const r = await runCli(['config', 'check', bad]);
      assert.equal(r.code, 2, `${to}: ${r.stdout}`);
      assert.match(r.stderr, field);
      assert.match(r.stderr, /onecard config example --role pos/, 'the fix');
      assert.doesNotMatch(r.stderr, STACK_FRAME);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config example --role kiosk is a config; a bad acceptor or printer field is named with the fix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-config-kiosk-'));
  try {
    const r = await runCli(['config', 'example', '--role', 'kiosk']);
    assert.equal(r.code, 0, r.stderr);
    const read = parseConfigText(r.stdout, 'example');
    assert.ok(read.ok, read.ok ? '' : read.message);
    assert.deepEqual(read.config.peripherals?.billAcceptor, { kind: 'ccnet', device: '/dev/ttyUSB0', baud: 9600 });
    assert.deepEqual(read.config.peripherals?.printer, { kind: 'usb-lp', device: '/dev/usb/lp0' });
    const acceptor = '"billAcceptor": { "kind": "ccnet", "device": "/dev/ttyUSB0", "baud": 9600 },';
    const cases: [string, string, RegExp][] = [
      ['"baud": 9600', '"baud": 4800', /"peripherals\.billAcceptor\.baud": must be 9600 \(the factory setting\)/],
      ['"device": "/dev/ttyUSB0"', '"device": "COM3"', /"peripherals\.billAcceptor\.device": a serial port like/],
      ['"kind": "ccnet"', '"kind": "cashcode"', /"peripherals\.billAcceptor\.kind".*'ccnet' \| 'twin'/],
      ['"device": "/dev/usb/lp0"', '"device": "/dev/lp0"', /"peripherals\.printer\.device": a USB line printer like/],
      ['"kind": "usb-lp", "device": "/dev/usb/lp0"', '"kind": "tcp"', /"peripherals\.printer\.host"/],
      [acceptor, '', /"peripherals\.billAcceptor": the kiosk role takes bills: add \{"kind": "ccnet"/],
    ];
    for (const [from, to, field] of cases) {
      const bad = join(dir, 'bad.json');
      assert.ok(r.stdout.includes(from), from);
      writeFileSync(bad, r.stdout.replace(from, to));
      const checked = await runCli(['config', 'check', bad]);
      assert.equal(checked.code, 2, `${to}: ${checked.stdout}`);
      assert.match(checked.stderr, field);
      assert.match(checked.stderr, /onecard config example --role kiosk/, 'the fix: the kiosk example');
      assert.doesNotMatch(checked.stderr, STACK_FRAME);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
