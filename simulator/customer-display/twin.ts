import { SerialPortMock } from 'serialport';
import { SerialLink } from '../../drivers/customer-display/serial.ts';
import { blankGlass, feed, type Glass } from './parser.ts';

/**
 * A customer display on a mock serial port: the real driver writes through
 * `serialport`'s stream onto `@serialport/binding-mock` (`SerialPortMock`), which records every
 * byte; the twin decodes the recording with the device-side parser. Each
 * twin gets its own port path, so several can live in one process.
 */
let portsMade = 0;

export class CustomerDisplayTwin {
  private constructor(
    private readonly port: SerialPortMock,
    readonly link: SerialLink,
  ) {}

  static async open(name: string, baudRate: number): Promise<CustomerDisplayTwin> {
    const path = `/dev/twin-${name}-${++portsMade}`;
    SerialPortMock.binding.createPort(path, { echo: false, record: true });
    const port = await new Promise<SerialPortMock>((resolve, reject) => {
      const p = new SerialPortMock({ path, baudRate }, (err) => (err ? reject(err) : resolve(p)));
    });
    return new CustomerDisplayTwin(port, new SerialLink(port, name));
  }

  /** Every byte the driver sent, in order. */
  sent(): number[] {
    return [...(this.port.port?.recording ?? Buffer.alloc(0))];
  }

  /** What the glass shows after those bytes. */
  glass(): Glass {
    return feed(blankGlass(), this.sent());
  }
}
