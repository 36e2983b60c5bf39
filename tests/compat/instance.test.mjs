// Instance metadata (v1 and v2) and the small endpoints clients call at start-up.
import { describe, test } from "node:test";
import { anonymousClient, assert, registerUser, url } from "./lib.mjs";

describe("instance", () => {
  test("v1 instance parses with the fields clients read", async () => {
    const instance = await anonymousClient().v1.instance.fetch();
    assert.equal(instance.uri, "localhost");
    assert.equal(typeof instance.title, "string");
    assert.ok(instance.title.length > 0);
    assert.equal(typeof instance.version, "string");
    assert.match(instance.version, /^\d+\.\d+\.\d+/, "version starts with a Mastodon version");
    assert.equal(typeof instance.description, "string");
    assert.equal(typeof instance.shortDescription, "string");
    assert.equal(instance.urls.streamingApi, url.replace(/^http/, "ws"));
    assert.equal(typeof instance.stats.userCount, "number");
    assert.equal(typeof instance.stats.statusCount, "number");
    assert.equal(typeof instance.stats.domainCount, "number");
    assert.ok(Array.isArray(instance.languages));
    assert.equal(instance.registrations, true);
    assert.equal(typeof instance.approvalRequired, "boolean");
    assert.equal(typeof instance.configuration.statuses.maxCharacters, "number");
    assert.ok(instance.configuration.statuses.maxCharacters >= 500);
    assert.ok(Array.isArray(instance.rules));
  });

  test("v1 stats count users and statuses", async () => {
    const before = await anonymousClient().v1.instance.fetch();
    const { masto } = await registerUser("counted");
    await masto.v1.statuses.create({ status: "counted post" });
    const after = await anonymousClient().v1.instance.fetch();
    assert.ok(after.stats.userCount >= before.stats.userCount + 1);
    assert.ok(after.stats.statusCount >= before.stats.statusCount + 1);
  });

  test("v2 instance parses with the fields clients read", async () => {
    const instance = await anonymousClient().v2.instance.fetch();
    assert.equal(instance.domain, "localhost");
    assert.equal(typeof instance.title, "string");
    assert.match(instance.version, /^\d+\.\d+\.\d+/);
    assert.equal(typeof instance.sourceUrl, "string");
    assert.equal(typeof instance.description, "string");
    assert.equal(typeof instance.usage.users.activeMonth, "number");
    assert.equal(typeof instance.thumbnail.url, "string");
    assert.ok(Array.isArray(instance.languages));
    assert.equal(instance.configuration.urls.streaming, url.replace(/^http/, "ws"));
    assert.equal(typeof instance.configuration.statuses.maxCharacters, "number");
    assert.equal(typeof instance.configuration.statuses.maxMediaAttachments, "number");
    assert.equal(typeof instance.configuration.accounts.maxPinnedStatuses, "number");
    assert.ok(Array.isArray(instance.configuration.mediaAttachments.supportedMimeTypes));
    assert.equal(instance.registrations.enabled, true);
    assert.equal(typeof instance.registrations.approvalRequired, "boolean");
    assert.equal(typeof instance.contact, "object");
    assert.ok(Array.isArray(instance.rules));
    assert.equal(typeof instance.apiVersions?.mastodon, "number");
  });

  test("start-up endpoints answer with their documented shapes", async () => {
    const { masto } = await registerUser("startup");
    assert.deepEqual(await anonymousClient().v1.customEmojis.list(), []);
    const prefs = await masto.v1.preferences.fetch();
    assert.equal(prefs["posting:default:visibility"], "public");
    assert.deepEqual(await masto.v1.lists.list(), []);
    assert.deepEqual(await masto.v2.filters.list(), []);
    assert.deepEqual(await masto.v1.announcements.list(), []);
  });

  test("extended description, languages, activity and peers", async () => {
    const client = anonymousClient();
    const extended = await client.v1.instance.extendedDescription.fetch();
    assert.ok(!Number.isNaN(Date.parse(extended.updatedAt)));
    assert.match(extended.content, /^<p>/);
    const languages = await client.v1.instance.languages.list();
    assert.ok(languages.length > 100);
    assert.deepEqual(languages.find((l) => l.code === "en"), { code: "en", name: "English" });
    // Weekly activity and peers are published as empty lists
    // (docs/decisions/0005-instance-activity-and-peers.md).
    assert.deepEqual(await client.v1.instance.activity.list(), []);
    assert.deepEqual(await client.v1.instance.peers.list(), []);
    const instance = await client.v2.instance.fetch();
    assert.equal(instance.configuration.accounts.maxFeaturedTags, 10);
    assert.equal(instance.apiVersions.mastodon, 2);
  });
});
