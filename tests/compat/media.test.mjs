// Media uploads with masto.js: v2 upload, describing an attachment, posting it,
// and the served file carrying none of the metadata the upload had.
import { describe, test } from "node:test";
import { deflateSync } from "node:zlib";
import { anonymousClient, assert, assertStatusShape, registerUser, rejectsWithStatus } from "./lib.mjs";

const TEXT_NEEDLE = "PUBLIUS-COMPAT-PNG-TEXT";

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// A width x height RGB PNG with a tEXt chunk carrying TEXT_NEEDLE.
function pngWithText(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) rows.set([x * 8, y * 8, 128], row + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("tEXt", Buffer.from(`Comment\0${TEXT_NEEDLE}`, "latin1")),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("media", () => {
  test("uploads an image, describes it and posts it", async () => {
    const { masto } = await registerUser("media");
    const png = pngWithText(32, 24);
    assert.ok(png.includes(TEXT_NEEDLE), "the upload carries the needle");
    const media = await masto.v2.media.create({
      file: new Blob([png], { type: "image/png" }),
      description: "A gradient, for testing",
      focus: "0.5,0.5",
    });
    assert.equal(media.type, "image");
    assert.equal(typeof media.id, "string");
    assert.equal(media.description, "A gradient, for testing");
    assert.equal(media.meta.original.width, 32);
    assert.equal(media.meta.original.height, 24);
    assert.equal(media.meta.focus.x, 0.5);
    assert.equal(typeof media.blurhash, "string");
    assert.ok(media.url.includes("/system/media/"));

    const updated = await masto.v1.media.$select(media.id).update({ description: "Described again" });
    assert.equal(updated.description, "Described again");
    const fetched = await masto.v1.media.$select(media.id).fetch();
    assert.equal(fetched.url, media.url);

    const status = await masto.v1.statuses.create({ status: "", mediaIds: [media.id] });
    assertStatusShape(status);
    assert.equal(status.mediaAttachments.length, 1);
    assert.equal(status.mediaAttachments[0].id, media.id);
    assert.equal(status.mediaAttachments[0].description, "Described again");

    const seen = await anonymousClient().v1.statuses.$select(status.id).fetch();
    assert.equal(seen.mediaAttachments[0].url, media.url);

    const served = await fetch(media.url);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get("content-type"), "image/png");
    const bytes = Buffer.from(await served.arrayBuffer());
    assert.ok(!bytes.includes(TEXT_NEEDLE), "metadata is stripped");
  });

  test("refuses what is not an image and someone else's media", async () => {
    const { masto } = await registerUser("media");
    await rejectsWithStatus(
      masto.v2.media.create({ file: new Blob(["not an image"], { type: "image/png" }) }),
      422,
    );
    const other = await registerUser("media");
    const media = await other.masto.v2.media.create({
      file: new Blob([pngWithText(8, 8)], { type: "image/png" }),
    });
    await rejectsWithStatus(masto.v1.statuses.create({ status: "x", mediaIds: [media.id] }), 422);
  });
});
