/**
 * MFRC522 register map, bits and commands (NXP MFRC522 datasheet Rev 3.9,
 * §9 "MFRC522 registers", §10 "MFRC522 command set"; docs/hardware.md).
 * Shared by the driver and the emulator: one map, checked against a driver
 * nobody here wrote (mfrc522-rpi) in test/simulator/mfrc522/cross-check.test.ts.
 */

/** Register addresses (6 bits). */
export const Reg = {
  Command: 0x01,
  ComIEn: 0x02,
  DivIEn: 0x03,
  ComIrq: 0x04,
  DivIrq: 0x05,
  Error: 0x06,
  Status1: 0x07,
  Status2: 0x08,
  FIFOData: 0x09,
  FIFOLevel: 0x0a,
  WaterLevel: 0x0b,
  Control: 0x0c,
  BitFraming: 0x0d,
  Coll: 0x0e,
  Mode: 0x11,
  TxMode: 0x12,
  RxMode: 0x13,
  TxControl: 0x14,
  TxASK: 0x15,
  CRCResultMSB: 0x21,
  CRCResultLSB: 0x22,
  TMode: 0x2a,
  TPrescaler: 0x2b,
  TReloadHi: 0x2c,
  TReloadLo: 0x2d,
  TCounterValHi: 0x2e,
  TCounterValLo: 0x2f,
  Version: 0x37,
} as const;
export type RegAddress = (typeof Reg)[keyof typeof Reg];

/** SPI address byte (§8.1.2.3): b7 = read, b6..1 = address, b0 = 0. */
export const SPI_READ = 0x80;
export const spiWriteAddress = (reg: number): number => (reg << 1) & 0x7e;
export const spiReadAddress = (reg: number): number => SPI_READ | ((reg << 1) & 0x7e);
/** Inverse of the two above, for the emulator. */
export const registerOfAddressByte = (addressByte: number): number => (addressByte >> 1) & 0x3f;

/** PCD commands (CommandReg b3..0). */
export const Cmd = {
  Idle: 0x0,
  Mem: 0x1,
  GenerateRandomId: 0x2,
  CalcCRC: 0x3,
  Transmit: 0x4,
  NoCmdChange: 0x7,
  Receive: 0x8,
  Transceive: 0xc,
  MFAuthent: 0xe,
  SoftReset: 0xf,
} as const;

/** CommandReg bits. */
export const COMMAND_MASK = 0x0f;
export const COMMAND_POWER_DOWN = 0x10;
export const COMMAND_RCV_OFF = 0x20;

/** ComIrqReg / ComIEnReg bits (same order in both). */
export const ComIrq = {
  Set1: 0x80,
  Tx: 0x40,
  Rx: 0x20,
  Idle: 0x10,
  HiAlert: 0x08,
  LoAlert: 0x04,
  Err: 0x02,
  Timer: 0x01,
} as const;
/** Writing this clears every ComIrq bit: Set1 = 0, all others marked. */
export const COM_IRQ_CLEAR_ALL = 0x7f;

/** DivIrqReg bits. */
export const DivIrq = {
  Set2: 0x80,
  MfinActIrq: 0x10,
  CRC: 0x04,
} as const;

/** ErrorReg bits. */
export const Err = {
  Wr: 0x80,
  Temp: 0x40,
  BufferOvfl: 0x10,
  Coll: 0x08,
  CRC: 0x04,
  Parity: 0x02,
  Protocol: 0x01,
} as const;

/** Status1Reg bits (read-only, computed). */
export const Status1 = {
  CRCOk: 0x40,
  CRCReady: 0x20,
  IRq: 0x10,
  TRunning: 0x08,
  HiAlert: 0x02,
  LoAlert: 0x01,
} as const;

/** Status2Reg: MFCrypto1On is set by a successful MFAuthent and only ever cleared by software. */
export const STATUS2_MF_CRYPTO1_ON = 0x08;
export const STATUS2_MODEM_STATE_MASK = 0x07;

export const FIFO_FLUSH = 0x80;
export const FIFO_LEVEL_MASK = 0x7f;
/** The FIFO holds 64 bytes (§8.3.1). */
export const FIFO_BYTES = 64;

/** ControlReg b2..0: valid bits in the last received byte (0 = all 8). */
export const CONTROL_RX_LAST_BITS_MASK = 0x07;

/** BitFramingReg. */
export const BIT_FRAMING_START_SEND = 0x80;
export const BIT_FRAMING_RX_ALIGN_MASK = 0x70;
export const BIT_FRAMING_TX_LAST_BITS_MASK = 0x07;

/** CollReg. */
export const COLL_VALUES_AFTER_COLL = 0x80;
export const COLL_POS_NOT_VALID = 0x20;

/** ModeReg 0x3D: CRC preset 0x6363 (ISO 14443-3 CRC_A), TxWaitRF, MFIN active high. */
export const MODE_CRC_PRESET_MASK = 0x03;
export const MODE_CRC_A = 0x3d;

/** TxControlReg: both antenna drivers (TX1, TX2) on = RF field on. */
export const TX_CONTROL_ANTENNA = 0x03;
/** TxASKReg: force 100 % ASK, required by ISO 14443A type A cards. */
export const TX_ASK_FORCE_100 = 0x40;

/** TModeReg b7: the timer starts at the end of every transmission, so "no answer" ends in TimerIRq. */
export const TMODE_TAUTO = 0x80;
export const TMODE_PRESCALER_HI_MASK = 0x0f;
/** Timer input clock (§8.5): 13.56 MHz / (2·TPrescaler + 1). */
export const TIMER_CLOCK_HZ = 13_560_000;

/** VersionReg values (docs/hardware.md). */
export const VERSION_V1 = 0x91;
export const VERSION_V2 = 0x92;
export const VERSION_FM17522 = 0x88;

/** Register values after power-on or SoftReset (datasheet §9.3, "reset value" columns). */
export const RESET_VALUES: ReadonlyMap<number, number> = new Map([
  [Reg.Command, 0x20],
  [Reg.ComIEn, 0x80],
  [Reg.ComIrq, 0x14],
  [Reg.Status1, 0x21],
  [Reg.WaterLevel, 0x08],
  [Reg.Control, 0x10],
  [Reg.Coll, COLL_VALUES_AFTER_COLL | COLL_POS_NOT_VALID],
  [Reg.Mode, 0x3f],
  [Reg.TxControl, 0x80],
  [0x16, 0x10], // TxSelReg
  [0x17, 0x84], // RxSelReg
  [0x18, 0x84], // RxThresholdReg
  [0x19, 0x4d], // DemodReg
  [0x1c, 0x62], // MfTxReg
  [0x1f, 0xeb], // SerialSpeedReg
  [Reg.CRCResultMSB, 0xff],
  [Reg.CRCResultLSB, 0xff],
  [0x24, 0x26], // ModWidthReg
  [0x26, 0x48], // RFCfgReg
  [0x27, 0x88], // GsNReg
  [0x28, 0x20], // CWGsPReg
  [0x29, 0x20], // ModGsPReg
]);

/** ISO 14443A / MIFARE command bytes sent to the card (docs/hardware.md). */
export const Picc = {
  REQA: 0x26,
  WUPA: 0x52,
  SEL_CL1: 0x93,
  SEL_CL2: 0x95,
  SEL_CL3: 0x97,
  /** NVB for anticollision with no known UID bits: 2 bytes sent. */
  NVB_ANTICOLL: 0x20,
  /** NVB for select: all 7 bytes (SEL, NVB, 4 UID bytes, BCC) known. */
  NVB_SELECT: 0x70,
  CASCADE_TAG: 0x88,
  AUTH_A: 0x60,
  AUTH_B: 0x61,
  READ: 0x30,
  WRITE: 0xa0,
  HLTA: 0x50,
  /** 4-bit acknowledge; anything else in 4 bits is a NAK. */
  ACK: 0x0a,
} as const;
/** SAK bit 2: the UID is not complete, go on with the next cascade level. */
export const SAK_CASCADE_BIT = 0x04;
/** Short frames (REQA/WUPA) carry 7 bits. */
export const SHORT_FRAME_BITS = 7;
