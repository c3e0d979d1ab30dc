import { SerialPortMock } from 'serialport';
import type { CcnetPort } from '../../../drivers/cash/ccnet/link.ts';
import { streamPort } from '../../../drivers/cash/ccnet/serial.ts';
import { CcnetEmulator } from './emulator.ts';

/**
 * The emulator behind @serialport/binding-mock: the real driver opens a
 * serialport stream and its bytes go through the same stream code as on a
 * Pi; the emulator's answers come back as data on the port.
 */
export async function openEmulatedValidator(
  path: string,
  emulator = new CcnetEmulator(),
): Promise<{ port: CcnetPort; emulator: CcnetEmulator; close: () => Promise<void> }> {
  SerialPortMock.binding.createPort(path, { echo: false, record: false });
  const serial = new SerialPortMock({ path, baudRate: 9600 });
  await new Promise<void>((resolve, reject) => serial.once('open', resolve).once('error', reject));
  const binding = serial.port!;
  const write = binding.write.bind(binding);
  binding.write = async (buffer: Buffer) => {
    await write(buffer);
    const reply = emulator.receive(new Uint8Array(buffer));
    if (reply.length > 0) binding.emitData(Buffer.from(reply));
  };
  const close = async () => {
    await new Promise<void>((resolve) => (serial.isOpen ? serial.close(() => resolve()) : resolve()));
  };
  return { port: streamPort(serial), emulator, close };
}
