// The audit chain: intact after real work, and any edit, truncation or
// reordering made with raw SQL is reported at the first broken entry.
#include <gtest/gtest.h>

#include "legal/legal_fixture.h"
#include "store/sqlite/db.h"

namespace publius::legal {
namespace {

using testing::LegalDeskFixture;

class LegalAuditTest : public LegalDeskFixture {
 protected:
  // Intake + review + notice + transitions: several entries.
  void work() {
    account("alt_immigration");
    auto out = intake(testing::read_text(testing::fixture_path("cbp_2017_summons.json")));
    const std::string id(out.at("id").as_string());
    move(id, "user_notified");
    move(id, "challenged");
    move(id, "withdrawn");
  }
  int64_t entries() {
    auto r = desk_->verify();
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->entries : -1;
  }
  void sql(const std::string& statement) {
    auto db = sqlite::Db::open(dir_.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec(statement).ok()) << statement;
  }
  ChainReport check() {
    auto r = desk_->verify();
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : ChainReport{};
  }
};

TEST_F(LegalAuditTest, ChainIsIntactAfterWork) {
  work();
  auto r = check();
  EXPECT_TRUE(r.intact) << r.problem;
  // intake, review, notice, 3 transitions
  EXPECT_EQ(r.entries, 6);
}

TEST_F(LegalAuditTest, EditedEntryIsFound) {
  work();
  sql("UPDATE legal_audit SET payload = replace(payload, 'CBP', 'FBI') WHERE seq = 1");
  auto r = check();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 1);
  EXPECT_NE(r.problem.find("edited"), std::string::npos) << r.problem;
}

TEST_F(LegalAuditTest, EditWithRecomputedHashFailsTheSignature) {
  work();
  // A forger can recompute SHA-256 but cannot sign: re-hash row 3 with an edited
  // action and keep the old signature.
  auto entries = legal_->audit_entries();
  ASSERT_TRUE(entries.ok());
  AuditEntry forged = (*entries)[2];
  forged.action = "forged";
  forged.entry_hash = audit_entry_hash(forged);
  sql("UPDATE legal_audit SET action = 'forged', entry_hash = '" + forged.entry_hash +
      "' WHERE seq = 3");
  auto r = check();
  EXPECT_FALSE(r.intact);
  EXPECT_LE(r.first_broken_seq, 4);
}

TEST_F(LegalAuditTest, TruncatedLogIsFound) {
  work();
  const int64_t n = entries();
  sql("DELETE FROM legal_audit WHERE seq = " + std::to_string(n));
  auto r = check();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, n);
  EXPECT_NE(r.problem.find("truncated"), std::string::npos) << r.problem;
}

TEST_F(LegalAuditTest, DeletedMiddleEntryIsFound) {
  work();
  sql("DELETE FROM legal_audit WHERE seq = 2");
  auto r = check();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 2);
}

TEST_F(LegalAuditTest, ReorderedEntriesAreFound) {
  work();
  sql("UPDATE legal_audit SET seq = 100 WHERE seq = 4;"
      "UPDATE legal_audit SET seq = 4 WHERE seq = 5;"
      "UPDATE legal_audit SET seq = 5 WHERE seq = 100;");
  auto r = check();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 4);
}

TEST_F(LegalAuditTest, ChainContinuesAcrossReopen) {
  work();
  open_desk();
  auto out = intake(demand_json({{"targets", boost::json::array{"alt_immigration"}}}));
  ASSERT_FALSE(out.empty());
  auto r = check();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.entries, 8);
}

}  // namespace
}  // namespace publius::legal
