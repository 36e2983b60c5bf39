// Media uploads with masto.js: v2 upload, describing an attachment, posting it,
// and the served file carrying none of the metadata the upload had.
import { describe, test } from "node:test";
import {
  anonymousClient, assert, assertStatusShape, pngWithText, registerUser, rejectsWithStatus, TEXT_NEEDLE,
} from "./lib.mjs";

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
