import { deflateSync, crc32 } from "node:zlib";

/** Different for every call (the library answers content it has with the existing asset). */
let made = Math.floor(Math.random() * 0xffffff);

/** A real PNG of the given size (a colour gradient, its first pixel new content each call), made
 * without any image library. */
export function gradientPng(width: number, height: number): Buffer {
  made = (made + 1) % 0x1000000;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then RGB
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = Math.floor((x * 255) / width);
      row[2 + x * 3] = Math.floor((y * 255) / height);
      row[3 + x * 3] = 120;
    }
    if (y === 0) row.set([made >> 16, (made >> 8) & 0xff, made & 0xff], 1);
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
