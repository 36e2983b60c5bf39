// Filters (v2) with masto.js: filter groups with keywords, the `filtered` member of
// matching statuses, keywords and statuses through their own resources, privacy.
import { describe, test } from "node:test";
import { assert, assertStatusShape, registerUser, rejectsWithStatus } from "./lib.mjs";

describe("filters", () => {
  test("a keyword filter marks matching statuses for its owner only", async () => {
    const owner = await registerUser("filterowner");
    const author = await registerUser("filterauthor");
    const filter = await owner.masto.v2.filters.create({
      title: "Spoilers",
      context: ["home", "public"],
      filterAction: "warn",
      keywordsAttributes: [{ keyword: "finale", wholeWord: true }],
    });
    assert.equal(filter.title, "Spoilers");
    assert.deepEqual(filter.context, ["home", "public"]);
    assert.equal(filter.filterAction, "warn");
    assert.equal(filter.expiresAt, null);
    assert.equal(filter.keywords.length, 1);
    assert.equal(filter.keywords[0].keyword, "finale");
    assert.equal(filter.keywords[0].wholeWord, true);

    const post = await author.masto.v1.statuses.create({ status: "That FINALE though" });
    const seen = await owner.masto.v1.statuses.$select(post.id).fetch();
    assertStatusShape(seen);
    assert.equal(seen.filtered.length, 1);
    assert.equal(seen.filtered[0].filter.id, filter.id);
    assert.deepEqual(seen.filtered[0].keywordMatches, ["finale"]);
    const byAuthor = await author.masto.v1.statuses.$select(post.id).fetch();
    assert.deepEqual(byAuthor.filtered, []);

    const listed = await owner.masto.v2.filters.list();
    assert.deepEqual(listed.map((f) => f.id), [filter.id]);
    const updated = await owner.masto.v2.filters.$select(filter.id).update({
      title: "No spoilers",
      filterAction: "hide",
      keywordsAttributes: [{ id: filter.keywords[0].id, _destroy: true }, { keyword: "ending" }],
    });
    assert.equal(updated.title, "No spoilers");
    assert.equal(updated.filterAction, "hide");
    assert.deepEqual(updated.keywords.map((k) => k.keyword), ["ending"]);
    const after = await owner.masto.v1.statuses.$select(post.id).fetch();
    assert.deepEqual(after.filtered, [], "the destroyed keyword no longer matches");

    await rejectsWithStatus(author.masto.v2.filters.$select(filter.id).fetch(), 404);
    await owner.masto.v2.filters.$select(filter.id).remove();
    await rejectsWithStatus(owner.masto.v2.filters.$select(filter.id).fetch(), 404);
  });

  test("keywords and statuses through their own resources", async () => {
    const owner = await registerUser("filterparts");
    const author = await registerUser("filterposter");
    const filter = await owner.masto.v2.filters.create({ title: "Misc", context: ["thread"] });
    const keyword = await owner.masto.v2.filters.$select(filter.id).keywords.create({
      keyword: "reveal",
      wholeWord: false,
    });
    assert.equal(keyword.keyword, "reveal");
    const changed = await owner.masto.v2.filters.keywords.$select(keyword.id).update({ keyword: "revealed" });
    assert.equal(changed.keyword, "revealed");
    const keywords = await owner.masto.v2.filters.$select(filter.id).keywords.list();
    assert.deepEqual(keywords.map((k) => k.id), [keyword.id]);
    await owner.masto.v2.filters.keywords.$select(keyword.id).remove();
    await rejectsWithStatus(owner.masto.v2.filters.keywords.$select(keyword.id).fetch(), 404);

    const post = await author.masto.v1.statuses.create({ status: "an ordinary post" });
    const picked = await owner.masto.v2.filters.$select(filter.id).statuses.create({ statusId: post.id });
    assert.equal(picked.statusId, post.id);
    const seen = await owner.masto.v1.statuses.$select(post.id).fetch();
    assert.deepEqual(seen.filtered[0].statusMatches, [post.id]);
    await rejectsWithStatus(owner.masto.v2.filters.$select(filter.id).statuses.create({ statusId: post.id }), 422);
    const fetched = await owner.masto.v2.filters.statuses.$select(picked.id).fetch();
    assert.equal(fetched.statusId, post.id);
    await owner.masto.v2.filters.statuses.$select(picked.id).remove();
    const statuses = await owner.masto.v2.filters.$select(filter.id).statuses.list();
    assert.deepEqual(statuses, []);
  });

  test("a filter without a title or context is refused (422)", async () => {
    const owner = await registerUser("filterbad");
    await rejectsWithStatus(owner.masto.v2.filters.create({ title: "", context: ["home"] }), 422);
    await rejectsWithStatus(owner.masto.v2.filters.create({ title: "t", context: [] }), 422);
    await rejectsWithStatus(owner.masto.v2.filters.create({ title: "t", context: ["nowhere"] }), 422);
  });

  test("v1 filters: one keyword each, over the same filters", async () => {
    const owner = await registerUser("filterv1");
    const v1 = await owner.masto.v1.filters.create({ phrase: "finale", context: ["home"], irreversible: true });
    assert.equal(v1.phrase, "finale");
    assert.deepEqual(v1.context, ["home"]);
    assert.equal(v1.irreversible, true);
    const listed = await owner.masto.v1.filters.list();
    assert.deepEqual(listed.map((f) => f.id), [v1.id]);
    const v2 = await owner.masto.v2.filters.list();
    assert.equal(v2[0].filterAction, "hide");
    const updated = await owner.masto.v1.filters.$select(v1.id).update({ phrase: "ending", context: ["home"] });
    assert.equal(updated.phrase, "ending");
    await owner.masto.v1.filters.$select(v1.id).remove();
    assert.deepEqual(await owner.masto.v1.filters.list(), []);
  });
});
