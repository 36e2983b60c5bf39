// Collective accounts in the domain: making one, inviting, joining, signing in as each
// member, sealed messages every member reads, removal with re-keying, handover and the
// rules that keep someone able to act for the account.
#include "domain/collectives.h"

#include <gtest/gtest.h>

#include "domain/microblog.h"
#include "store/sqlite/sqlite_store.h"
#include "support/microblog_fixture.h"
#include "util/crypto.h"
#include "util/time.h"

namespace publius::domain {
namespace {

constexpr const char* kOwnerPassword = "owner password 1";

class CollectivesTest : public testing::MicroblogFixture {
 protected:
  void SetUp() override {
    MicroblogFixture::SetUp();
    app_id_ = app();
    ASSERT_NE(app_id_, 0);
    auto alt = microblog_->accounts().register_account("alt_agency", kOwnerPassword);
    ASSERT_TRUE(alt.ok());
    account_ = alt->account.id;
    auto bob = microblog_->accounts().register_account("bob", "bob password 1");
    ASSERT_TRUE(bob.ok());
    bob_ = bob->account.id;
    auto made = microblog_->collectives().make_collective(account_, kOwnerPassword, "");
    ASSERT_TRUE(made.ok()) << made.error().message;
    owner_ = made->member_id;
    owner_codes_ = made->recovery_codes;
  }

  Collectives& collectives() { return microblog_->collectives(); }

  // A token issued to the member whose password this is, as the password grant does.
  std::string token_of(const std::string& password) {
    auto signed_in = microblog_->credentials().sign_in("alt_agency", password, "");
    EXPECT_TRUE(signed_in.ok()) << (signed_in.ok() ? "" : signed_in.error().message);
    if (!signed_in.ok()) return "";
    auto issued = microblog_->credentials().issue_token(
        app_id_, account_, "read write", signed_in->key_or_null(), signed_in->member_id);
    EXPECT_TRUE(issued.ok());
    return issued.ok() ? issued->secret : "";
  }

  // The owner's key ring, as its signed-in browser holds it.
  KeyRing owner_ring() {
    ReaderKey reader(microblog_->keys(), account_, shield::Credential::kAccessToken,
                     token_of(kOwnerPassword));
    KeyRing ring;
    for (const auto& g : reader.keyring()) {
      shield::SecretKey copy;
      std::copy_n(g.key.data(), shield::SecretKey::kBytes, copy.data());
      ring.push_back({g.generation, std::move(copy)});
    }
    return ring;
  }

  std::string invite() {
    auto invited = collectives().invite(account_, owner_, owner_ring());
    EXPECT_TRUE(invited.ok()) << (invited.ok() ? "" : invited.error().message);
    return invited.ok() ? invited->code : "";
  }

  // Joins with a fresh invite; returns the member id.
  int64_t join(const std::string& password) {
    auto joined = collectives().join(invite(), password);
    EXPECT_TRUE(joined.ok()) << (joined.ok() ? "" : joined.error().message);
    return joined.ok() ? joined->member_id : 0;
  }

  Post dm_from_bob(const std::string& text) {
    NewPost p;
    p.author_id = bob_;
    p.text = text;
    p.visibility = Visibility::kDirect;
    auto r = microblog_->posts().create_status(p);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : Post{};
  }

  // The stored DM's text as the holder of `token` reads it ("" when it cannot).
  std::string read_with(int64_t post_id, const std::string& token) {
    auto stored = store_->status_by_id(post_id);
    EXPECT_TRUE(stored.ok() && stored->has_value());
    Post p = **stored;
    ReaderKey key(microblog_->keys(), account_, shield::Credential::kAccessToken, token);
    key.open(p);
    return p.text;
  }

  int64_t app_id_ = 0;
  int64_t account_ = 0;
  int64_t bob_ = 0;
  int64_t owner_ = 0;
  std::vector<std::string> owner_codes_;
};

TEST_F(CollectivesTest, TheOwnerSignsInAsTheFirstMemberAndTheOldPasswordHashIsGone) {
  auto signed_in = microblog_->credentials().sign_in("alt_agency", kOwnerPassword, "");
  ASSERT_TRUE(signed_in.ok());
  EXPECT_EQ(signed_in->member_id, owner_);
  EXPECT_TRUE(signed_in->key.has_value());
  EXPECT_EQ(*store_->password_hash(account_), "");
  EXPECT_EQ(owner_codes_.size(), kRecoveryCodeCount);
  auto again = collectives().make_collective(account_, kOwnerPassword, "");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kUnprocessable);
}

TEST_F(CollectivesTest, MakingCollectiveWithAWrongPasswordChangesNothing) {
  auto carol = microblog_->accounts().register_account("carol", "carol password");
  ASSERT_TRUE(carol.ok());
  auto made = collectives().make_collective(carol->account.id, "not the password", "");
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, ErrorCode::kUnprocessable);
  EXPECT_FALSE(*collectives().is_collective(carol->account.id));
  EXPECT_TRUE(microblog_->credentials().authenticate("carol", "carol password", "").ok());
}

TEST_F(CollectivesTest, EachMemberSignsInWithTheirOwnPasswordAndNoOtherWorks) {
  const int64_t second = join("second member pw");
  const int64_t third = join("third member pw");
  EXPECT_NE(second, third);
  for (const auto& [password, id] : std::vector<std::pair<std::string, int64_t>>{
           {kOwnerPassword, owner_}, {"second member pw", second}, {"third member pw", third}}) {
    auto signed_in = microblog_->credentials().sign_in("alt_agency", password, "");
    ASSERT_TRUE(signed_in.ok()) << password;
    EXPECT_EQ(signed_in->member_id, id);
  }
  auto wrong = microblog_->credentials().sign_in("alt_agency", "nobody's password", "");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthorized);
  auto listed = collectives().members(account_, second);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].number, 1);
  EXPECT_TRUE((*listed)[0].owner);
  EXPECT_TRUE((*listed)[1].you);
  EXPECT_EQ((*listed)[1].joined_day_ms, now_day_ms());
  EXPECT_FALSE((*listed)[2].you);
}

TEST_F(CollectivesTest, AnInviteIsSingleUseAndAWrongOrExpiredOneJoinsNothing) {
  const std::string code = invite();
  ASSERT_TRUE(collectives().join(code, "second member pw").ok());
  auto reused = collectives().join(code, "another member pw");
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.error().code, ErrorCode::kUnprocessable);
  auto wrong = collectives().join("not-an-invite-code", "another member pw");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnprocessable);

  const std::string expired = invite();
  ASSERT_TRUE(store_
                  ->with_connection([&](sqlite::Db& db) {
                    return db.exec("UPDATE member_invites SET expires_day = " +
                                   std::to_string(now_day_ms() - kDayMs));
                  })
                  .ok());
  auto late = collectives().join(expired, "another member pw");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(collectives().members(account_, std::nullopt)->size(), 2u);
}

TEST_F(CollectivesTest, OnlyTheOwnerInvitesAndOnlyWithTheAccountsKeys) {
  const int64_t second = join("second member pw");
  auto by_member = collectives().invite(account_, second, owner_ring());
  ASSERT_FALSE(by_member.ok());
  EXPECT_EQ(by_member.error().code, ErrorCode::kForbidden);
  auto keyless = collectives().invite(account_, owner_, KeyRing{});
  ASSERT_FALSE(keyless.ok());
  EXPECT_EQ(keyless.error().code, ErrorCode::kUnprocessable);
}

TEST_F(CollectivesTest, AJoinWhosePasswordIsAnotherMembersIsRefusedAndSpendsTheCode) {
  const std::string code = invite();
  auto clash = collectives().join(code, kOwnerPassword);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kUnprocessable);
  auto retry = collectives().join(code, "a different password");
  ASSERT_FALSE(retry.ok());
  EXPECT_NE(retry.error().message.find("invite code"), std::string::npos);
  EXPECT_EQ(collectives().members(account_, std::nullopt)->size(), 1u);
}

TEST_F(CollectivesTest, ABadPasswordJoinsNothingAndKeepsTheCode) {
  const std::string code = invite();
  auto short_one = collectives().join(code, "short");
  ASSERT_FALSE(short_one.ok());
  EXPECT_EQ(short_one.error().code, ErrorCode::kUnprocessable);
  EXPECT_TRUE(collectives().join(code, "long enough now").ok());
}

TEST_F(CollectivesTest, DirectMessagesOpenForEveryMember) {
  const Post before = dm_from_bob("@alt_agency sent before anyone joined");
  join("second member pw");
  const Post after = dm_from_bob("@alt_agency sent after the second joined");
  for (const char* password : {kOwnerPassword, "second member pw"}) {
    const std::string token = token_of(password);
    EXPECT_EQ(read_with(before.id, token), "@alt_agency sent before anyone joined") << password;
    EXPECT_EQ(read_with(after.id, token), "@alt_agency sent after the second joined") << password;
  }
}

TEST_F(CollectivesTest, RemovingAMemberEndsItsCredentialsAndRekeysTheAccount) {
  const int64_t second = join("second member pw");
  const std::string second_token = token_of("second member pw");
  auto session = microblog_->credentials().start_session(account_, nullptr, second);
  ASSERT_TRUE(session.ok());
  const Post old_dm = dm_from_bob("@alt_agency before the removal");
  // What the removed member saved: its whole key ring.
  ReaderKey saved(microblog_->keys(), account_, shield::Credential::kAccessToken, second_token);
  ASSERT_EQ(saved.keyring().size(), 1u);

  ASSERT_TRUE(collectives().remove(account_, owner_, second).ok());

  EXPECT_EQ(microblog_->credentials().bearer(Credentials::digest(second_token)).error().code,
            ErrorCode::kUnauthorized);
  EXPECT_FALSE(microblog_->credentials().session_holder(*session)->has_value());
  EXPECT_FALSE(microblog_->credentials().sign_in("alt_agency", "second member pw", "").ok());
  EXPECT_EQ(store_->key_copies(second)->size(), 0u);

  const Post new_dm = dm_from_bob("@alt_agency after the removal");
  auto stored = store_->status_by_id(new_dm.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  Post p = **stored;
  saved.open(p);  // the saved keys of the removed member
  EXPECT_EQ(p.text, "");
  EXPECT_EQ(p.html, std::string(kSealedPlaceholderHtml));

  const std::string owner_token = token_of(kOwnerPassword);
  EXPECT_EQ(read_with(old_dm.id, owner_token), "@alt_agency before the removal");
  EXPECT_EQ(read_with(new_dm.id, owner_token), "@alt_agency after the removal");
}

TEST_F(CollectivesTest, AMemberLeavesButAnotherCannotRemoveThem) {
  const int64_t second = join("second member pw");
  const int64_t third = join("third member pw");
  auto by_peer = collectives().remove(account_, third, second);
  ASSERT_FALSE(by_peer.ok());
  EXPECT_EQ(by_peer.error().code, ErrorCode::kForbidden);
  ASSERT_TRUE(collectives().remove(account_, second, second).ok());
  auto gone = collectives().remove(account_, owner_, second);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(collectives().members(account_, std::nullopt)->size(), 2u);
}

TEST_F(CollectivesTest, TheOwnerHandsOverBeforeLeavingAndTheLastMemberStays) {
  auto alone = collectives().remove(account_, owner_, owner_);
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.error().code, ErrorCode::kUnprocessable);
  const int64_t second = join("second member pw");
  auto owner_leaves = collectives().remove(account_, owner_, owner_);
  ASSERT_FALSE(owner_leaves.ok());
  EXPECT_EQ(owner_leaves.error().code, ErrorCode::kUnprocessable);
  auto not_owner = collectives().hand_over(account_, second, second);
  ASSERT_FALSE(not_owner.ok());
  EXPECT_EQ(not_owner.error().code, ErrorCode::kForbidden);

  ASSERT_TRUE(collectives().hand_over(account_, owner_, second).ok());
  ASSERT_TRUE(collectives().remove(account_, owner_, owner_).ok());
  auto listed = collectives().members(account_, second);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].owner);
  auto last = collectives().remove(account_, second, second);
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.error().code, ErrorCode::kUnprocessable);
}

TEST_F(CollectivesTest, AMemberRecoversWithTheirOwnCodeAndLosesTheirOldCredentials) {
  const std::string old_token = token_of(kOwnerPassword);
  ASSERT_TRUE(microblog_->credentials()
                  .recover("alt_agency", owner_codes_.front(), "recovered password", "")
                  .ok());
  EXPECT_EQ(microblog_->credentials().bearer(Credentials::digest(old_token)).error().code,
            ErrorCode::kUnauthorized);
  auto signed_in = microblog_->credentials().sign_in("alt_agency", "recovered password", "");
  ASSERT_TRUE(signed_in.ok());
  EXPECT_EQ(signed_in->member_id, owner_);
  // The code is spent; the recovered member still reads the sealed messages.
  EXPECT_FALSE(microblog_->credentials()
                   .recover("alt_agency", owner_codes_.front(), "yet another password", "")
                   .ok());
  const Post dm = dm_from_bob("@alt_agency still readable");
  EXPECT_EQ(read_with(dm.id, token_of("recovered password")), "@alt_agency still readable");
}

TEST_F(CollectivesTest, AMemberChangesOnlyTheirOwnPassword) {
  const int64_t second = join("second member pw");
  auto with_owners =
      collectives().change_password(account_, second, kOwnerPassword, "brand new password", "");
  ASSERT_FALSE(with_owners.ok());
  EXPECT_EQ(with_owners.error().code, ErrorCode::kUnprocessable);
  auto taken =
      collectives().change_password(account_, second, "second member pw", kOwnerPassword, "");
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kUnprocessable);
  ASSERT_TRUE(collectives()
                  .change_password(account_, second, "second member pw", "brand new password", "")
                  .ok());
  EXPECT_EQ(microblog_->credentials().sign_in("alt_agency", "brand new password", "")->member_id,
            second);
  EXPECT_TRUE(microblog_->credentials().sign_in("alt_agency", kOwnerPassword, "").ok());
  auto one_person = microblog_->credentials().change_password(account_, "whatever123", nullptr);
  EXPECT_FALSE(one_person.ok());
}

TEST_F(CollectivesTest, DeletingTheAccountErasesEveryMember) {
  join("second member pw");
  ASSERT_TRUE(microblog_->accounts().delete_account(account_).ok());
  EXPECT_EQ(count_rows("members"), 0);
  EXPECT_EQ(count_rows("member_keys"), 0);
  EXPECT_EQ(count_rows("member_recovery_codes"), 0);
}

}  // namespace
}  // namespace publius::domain
