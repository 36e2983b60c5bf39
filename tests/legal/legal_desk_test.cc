// The legal desk end to end over real stores: the 2017 CBP summons, the other
// instrument types, the workflow's refusals, strict intake, notices, production.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <thread>

#include "legal/legal_fixture.h"
#include "support/statement_hook.h"

namespace publius::legal {
namespace {

namespace json = boost::json;
using testing::LegalDeskFixture;
using testing::read_text;

class LegalDeskTest : public LegalDeskFixture {};

TEST_F(LegalDeskTest, SeedCaseIsChallengedWithdrawnAndReported) {
  const int64_t target = account("alt_immigration");
  post(target, "Immigration policy is being mismanaged. #resist", domain::Visibility::kPublic);
  const int64_t before = notifications_of(target);

  auto out = intake(read_text(testing::fixture_path("cbp_2017_summons.json")));
  ASSERT_FALSE(out.empty());
  const std::string id(out.at("id").as_string());
  EXPECT_EQ(out.at("state").as_string(), "under_review");
  EXPECT_EQ(count_code(out, "authority_out_of_scope"), 1);
  EXPECT_EQ(count_code(out, "deadline_before_receipt"), 1);
  EXPECT_EQ(count_code(out, "nondisclosure_not_binding"), 1);
  EXPECT_EQ(count_code(out, "category_not_held"), 5);  // every requested category
  const auto* unmasking = finding(out, "anonymous_speech_unmasking_test");
  ASSERT_NE(unmasking, nullptr);
  EXPECT_EQ(unmasking->at("severity").as_string(), "blocking");
  ASSERT_EQ(unmasking->at("prongs").as_array().size(), 4u);
  for (const auto& prong : unmasking->at("prongs").as_array())
    EXPECT_EQ(prong.at("status").as_string(), "not shown") << prong.at("prong").as_string();
  EXPECT_EQ(out.at("review").at("recommendation").as_string(), "challenge");
  for (const auto& f : out.at("review").at("findings").as_array()) {
    EXPECT_FALSE(f.at("explanation").as_string().empty());
    EXPECT_FALSE(f.at("citation").as_string().empty());
  }
  const auto* scope = finding(out, "authority_out_of_scope");
  EXPECT_NE(std::string(scope->at("citation").as_string()).find("1509"), std::string::npos);

  move(id, "user_notified");
  EXPECT_EQ(notifications_of(target), before + 1);  // the mention from the legal account
  move(id, "challenged");
  move(id, "withdrawn");
  move(id, "closed");
  auto shown = show(id);
  EXPECT_EQ(shown.at("state").as_string(), "closed");
  EXPECT_EQ(shown.at("notice").at("status").as_string(), "sent");
  EXPECT_EQ(shown.at("history").as_array().size(), 6u);

  auto r = report("2017H1");
  EXPECT_EQ(r.at("requests").as_int64(), 1);
  EXPECT_EQ(r.at("accounts_specified").as_int64(), 1);
  EXPECT_EQ(r.at("percent_some_information_produced").to_number<double>(), 0.0);
  EXPECT_EQ(r.at("user_notice_given").as_int64(), 1);
  EXPECT_EQ(r.at("user_notice_held").as_int64(), 0);
  EXPECT_EQ(r.at("challenged").as_int64(), 1);
  EXPECT_EQ(r.at("withdrawn").as_int64(), 1);
  EXPECT_EQ(r.at("quashed").as_int64(), 0);
  EXPECT_EQ(r.at("by_instrument").at("administrative_summons").as_int64(), 1);
  EXPECT_EQ(r.at("by_agency").at("CBP").as_int64(), 1);
  EXPECT_FALSE(r.at("canary").at("signature").as_string().empty());
  EXPECT_EQ(report("2017H2").at("requests").as_int64(), 0);
  EXPECT_EQ(report("2017-01..2017-03").at("requests").as_int64(), 1);
  EXPECT_EQ(report("2017H1", true).at("requests").as_string(), "<10");
}

TEST_F(LegalDeskTest, NoticeMessageSaysWhoWhatHeldDeadlineAndCounsel) {
  const int64_t target = account("alt_immigration");
  auto out = intake(read_text(testing::fixture_path("cbp_2017_summons.json")));
  move(std::string(out.at("id").as_string()), "user_notified");
  auto notes = store_->notifications(target, {}, domain::Page{});
  ASSERT_TRUE(notes.ok());
  ASSERT_EQ(notes->size(), 1u);
  auto dm = store_->status_by_id(*notes->front().status_id);
  ASSERT_TRUE(dm.ok() && dm->has_value());
  EXPECT_EQ((*dm)->visibility, domain::Visibility::kDirect);
  // Sent from the CLI with nobody signed in, the notice is sealed to the recipient's
  // public key: nothing of it is stored in clear, and the recipient's key opens it.
  EXPECT_TRUE((*dm)->text.empty());
  EXPECT_TRUE((*dm)->html.empty());
  auto key = microblog_->keys().unlock_with_password(target, "correct horse battery staple");
  ASSERT_TRUE(key.ok() && key->has_value());
  auto opened = shield::open((*dm)->sealed, (*dm)->id, target, **key);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  const std::string& text = opened->text;
  for (const char* needle : {"CBP", "administrative_summons", "19 U.S.C. § 1509", "ip_addresses",
                             "no login history is kept", "2017-03-13", "ACLU", "EFF"})
    EXPECT_NE(text.find(needle), std::string::npos) << needle;
  auto sender = store_->account_by_id((*dm)->account_id);
  ASSERT_TRUE(sender.ok() && sender->has_value());
  EXPECT_EQ((*sender)->username, "legal");
}

TEST_F(LegalDeskTest, ValidSearchWarrantForContentIsCompliedWith) {
  const int64_t writer = account("writer");
  post(writer, "a public post", domain::Visibility::kPublic);
  auto out = intake(demand_json({}));
  EXPECT_EQ(count_code(out, "content_requires_warrant"), 0);
  EXPECT_EQ(count_code(out, "authority_out_of_scope"), 0);
  EXPECT_EQ(count_code(out, "category_not_held"), 0);
  EXPECT_EQ(out.at("review").at("recommendation").as_string(), "comply");
}

TEST_F(LegalDeskTest, ContentBySubpoenaRequiresAWarrant) {
  account("writer");
  auto out =
      intake(demand_json({{"instrument", "subpoena"},
                          {"authority", "18 U.S.C. § 2703(c)(2)"},
                          {"categories_requested", json::array{"content", "subscriber_name"}}}));
  EXPECT_EQ(count_code(out, "content_requires_warrant"), 1);
  EXPECT_EQ(out.at("review").at("recommendation").as_string(), "challenge");
}

TEST_F(LegalDeskTest, NationalSecurityLetterFromAnotherAgencyIsOutOfScope) {
  account("writer");
  auto out = intake(demand_json({{"instrument", "national_security_letter"},
                                 {"agency", "CBP"},
                                 {"authority", "18 U.S.C. § 2709"},
                                 {"categories_requested", json::array{"subscriber_name"}}}));
  ASSERT_NE(finding(out, "authority_out_of_scope"), nullptr);
  EXPECT_NE(std::string(finding(out, "authority_out_of_scope")->at("explanation").as_string())
                .find("FBI"),
            std::string::npos);
}

TEST_F(LegalDeskTest, AllRecordsIsOverbroadAndShortDeadlineUnreasonable) {
  account("writer");
  auto out = intake(
      demand_json({{"instrument", "court_order"},
                   {"authority", "18 U.S.C. § 2703(d)"},
                   {"categories_requested", json::array{"non_content_records", "all_records"}},
                   {"deadline", "2026-11-04T09:00:00Z"}}));
  EXPECT_EQ(count_code(out, "overbroad"), 1);
  EXPECT_EQ(count_code(out, "deadline_unreasonable"), 1);
  EXPECT_EQ(count_code(out, "deadline_before_receipt"), 0);
}

TEST_F(LegalDeskTest, UnknownTargetIsReported) {
  auto out = intake(demand_json({{"targets", json::array{"nobody_here"}}}));
  EXPECT_EQ(count_code(out, "target_unknown"), 1);
  EXPECT_EQ(out.at("review").at("recommendation").as_string(), "reject_defective");
}

TEST_F(LegalDeskTest, AnAccountOfAnotherServerIsReviewedAsThatServersAccount) {
  auto remote = store_->save_remote_actor({.uri = "https://remote.example/users/ext",
                                           .inbox = "https://remote.example/users/ext/inbox",
                                           .key_id = "https://remote.example/users/ext#main-key",
                                           .public_pem = "-----BEGIN PUBLIC KEY-----"},
                                          {.acct = "ext@remote.example"});
  ASSERT_TRUE(remote.ok()) << remote.error().message;
  auto out = intake(demand_json({{"targets", json::array{"@ext@remote.example"}}}));
  EXPECT_EQ(count_code(out, "target_on_another_server"), 1);
  EXPECT_EQ(count_code(out, "target_unknown"), 0);
  // Not a name of any kind: refused at intake, naming the field.
  auto refused = desk_->intake(demand_json({{"targets", json::array{"ext@remote example"}}}));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("targets"), std::string::npos);
}

TEST_F(LegalDeskTest, EmergencyRequestIsVoluntaryAndCountedApart) {
  account("writer");
  auto out = intake(
      demand_json({{"instrument", "emergency_request"},
                   {"authority", "18 U.S.C. § 2702(b)(8)"},
                   {"categories_requested", json::array{"ip_addresses", "non_content_records"}},
                   {"deadline", "2026-11-02T10:00:00Z"}}));
  EXPECT_EQ(count_code(out, "emergency_voluntary"), 1);
  EXPECT_EQ(count_code(out, "anonymous_speech_unmasking_test"), 0);
  EXPECT_EQ(count_code(out, "deadline_unreasonable"), 0);
  EXPECT_EQ(count_code(out, "category_not_held"), 1);  // ip_addresses
  EXPECT_EQ(out.at("review").at("recommendation").as_string(), "comply_partially");
  auto r = report("2026H2");
  EXPECT_EQ(r.at("emergency_requests").as_int64(), 1);
  EXPECT_EQ(r.at("requests").as_int64(), 0);
}

TEST_F(LegalDeskTest, PreservationRequestIsPreservedAndCountedApart) {
  account("writer");
  auto out = intake(demand_json({{"instrument", "preservation_request"},
                                 {"authority", "18 U.S.C. § 2703(f)"},
                                 {"categories_requested", json::array{"content"}},
                                 {"offense_stated", nullptr}}));
  EXPECT_EQ(count_code(out, "preservation_only"), 1);
  EXPECT_EQ(count_code(out, "authority_out_of_scope"), 0);
  const std::string id(out.at("id").as_string());
  move(id, "preserved");
  move(id, "closed");
  auto r = report("2026");
  EXPECT_EQ(r.at("preservation_requests").as_int64(), 1);
  EXPECT_EQ(r.at("requests").as_int64(), 0);
}

TEST_F(LegalDeskTest, CourtGagHoldsNoticeUntilTheOrderExpires) {
  const int64_t writer = account("writer");
  auto out = intake(demand_json(
      {{"nondisclosure", "court_order"}, {"nondisclosure_until", "2026-12-31T00:00:00Z"}}));
  const std::string id(out.at("id").as_string());
  EXPECT_EQ(count_code(out, "nondisclosure_order"), 1);
  EXPECT_EQ(show(id).at("notice").at("status").as_string(), "held");
  auto refused = desk_->transition(id, "user_notified", "try to notify");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("nondisclosure"), std::string::npos);
  EXPECT_EQ(notifications_of(writer), 0);
  EXPECT_EQ(report("2026H2").at("user_notice_held").as_int64(), 1);

  clock_ms_ = *parse_rfc3339_ms("2027-01-02T00:00:00Z");  // the order has expired
  auto shown = show(id);                                  // any desk command releases held notices
  EXPECT_EQ(shown.at("notice").at("status").as_string(), "sent");
  EXPECT_EQ(notifications_of(writer), 1);
  EXPECT_EQ(report("2026H2").at("user_notice_given").as_int64(), 1);
}

TEST_F(LegalDeskTest, IllegalTransitionsAreRefused) {
  account("writer");
  auto out = intake(demand_json({}));
  const std::string id(out.at("id").as_string());
  for (const char* to : {"closed", "quashed", "upheld", "received", "under_review"}) {
    auto r = desk_->transition(id, to, "not allowed");
    ASSERT_FALSE(r.ok()) << to;
    EXPECT_EQ(r.error().code, ErrorCode::kConflict) << to;
    EXPECT_NE(r.error().message.find("cannot move"), std::string::npos);
  }
  EXPECT_FALSE(desk_->transition(id, "nonsense", "x").ok());
  EXPECT_FALSE(desk_->transition(id, "challenged", "").ok());  // a reason is required
  move(id, "challenged");
  EXPECT_FALSE(desk_->transition(id, "produced", "skip the court").ok());
  move(id, "upheld");
  move(id, "challenged");  // appeal
  move(id, "quashed");
  EXPECT_FALSE(desk_->transition(id, "withdrawn", "too late").ok());  // terminal
  move(id, "closed");
  EXPECT_FALSE(desk_->transition(id, "withdrawn", "closed").ok());
  EXPECT_FALSE(desk_->transition("dmd_missing", "withdrawn", "x").ok());
  EXPECT_EQ(show(id).at("state").as_string(), "closed");
}

TEST(LegalWorkflowTest, OnlyTheSpecifiedMovesAreLegal) {
  int legal = 0;
  for (const auto& from : state_names())
    for (const auto& to : state_names()) legal += is_legal_move(from, to) ? 1 : 0;
  // 18 listed moves plus withdrawal from the 5 non-terminal states.
  EXPECT_EQ(legal, 18 + 5);
  EXPECT_TRUE(is_legal_move("upheld", "challenged"));
  EXPECT_FALSE(is_legal_move("received", "produced"));
}

TEST_F(LegalDeskTest, MalformedIntakeIsRejectedNamingTheFieldAndStoresNothing) {
  account("writer");
  const std::vector<std::pair<json::object, std::string>> cases = {
      {{{"instrument", "letter_of_marque"}}, "instrument"},
      {{{"received_at", "yesterday"}}, "received_at"},
      {{{"deadline", 12}}, "deadline"},
      {{{"country", "usa"}}, "country"},
      {{{"categories_requested", json::array{"dna"}}}, "categories_requested"},
      {{{"targets", json::array{}}}, "targets"},
      {{{"targets", json::array{"bad name!"}}}, "targets"},
      {{{"nondisclosure", "maybe"}}, "nondisclosure"},
      {{{"nondisclosure", "court_order"}}, "nondisclosure_until"},
      {{{"offense_stated", 7}}, "offense_stated"},
      {{{"documents", json::array{"/nonexistent/summons.pdf"}}}, "documents"},
      {{{"requester_ip", "203.0.113.9"}}, "requester_ip"},
      {{{"agency", ""}}, "agency"},
  };
  for (const auto& [overrides, field] : cases) {
    auto r = desk_->intake(demand_json(overrides));
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.error().message.rfind(field + ":", 0), 0u) << r.error().message;
  }
  EXPECT_FALSE(desk_->intake("{not json").ok());
  EXPECT_FALSE(desk_->intake("[]").ok());
  auto list = desk_->list_json();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, "[]");
  auto chain = desk_->verify();
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain->entries, 0);
  EXPECT_TRUE(std::filesystem::is_empty(desk_->legal_dir() + "/documents"));
}

TEST_F(LegalDeskTest, DocumentsAreStoredContentAddressed) {
  account("writer");
  const std::string doc = dir_.path() + "/warrant.txt";
  std::ofstream(doc) << "IN THE UNITED STATES DISTRICT COURT ... SEARCH AND SEIZURE WARRANT";
  auto out = intake(demand_json({{"documents", json::array{json::string(doc)}}}));
  const std::string hash = sha256_hex(read_text(doc));
  EXPECT_TRUE(std::filesystem::exists(desk_->legal_dir() + "/documents/" + hash));
  auto shown = show(std::string(out.at("id").as_string()));
  EXPECT_EQ(shown.at("documents").at(0).at("sha256").as_string(), hash);
  EXPECT_EQ(shown.at("documents").at(0).at("name").as_string(), "warrant.txt");
}

TEST_F(LegalDeskTest, UploadedDocumentsAreStoredLikePaths) {
  account("writer");
  const std::string bytes = std::string("%PDF\0\xff binary", 13);
  auto out = desk_->intake(demand_json({}), {{"document-1", bytes}});
  ASSERT_TRUE(out.ok()) << out.error().message;
  const std::string id(json::parse(*out).at("id").as_string());
  EXPECT_EQ(read_text(desk_->legal_dir() + "/documents/" + sha256_hex(bytes)), bytes);
  auto shown = show(id);
  EXPECT_EQ(shown.at("documents").at(0).at("name").as_string(), "document-1");
  EXPECT_EQ(shown.at("demand").at("documents").at(0).as_string(), sha256_hex(bytes));
  auto empty = desk_->intake(demand_json({}), {{"document-1", ""}});
  EXPECT_FALSE(empty.ok());
}

TEST_F(LegalDeskTest, ReleaserSendsAHeldNoticeWhenItsOrderExpires) {
  const int64_t writer = account("writer");
  // A desk on the wall clock: the releaser sleeps until the order's expiry, far
  // sooner than its hour-long poll.
  DeskOptions options;
  options.data_dir = dir_.path();
  auto desk = LegalDesk::open(*microblog_, *store_, *legal_, options);
  ASSERT_TRUE(desk.ok()) << desk.error().message;
  auto out = (*desk)->intake(
      demand_json({{"nondisclosure", "court_order"},
                   {"nondisclosure_until", json::string(format_iso8601_ms(now_ms() + 300))}}));
  ASSERT_TRUE(out.ok()) << out.error().message;
  auto due = (*desk)->ms_until_next_release();
  ASSERT_TRUE(due.ok() && due->has_value());
  EXPECT_LE(**due, 300);
  EXPECT_EQ(notifications_of(writer), 0);
  NoticeReleaser releaser(**desk, /*poll_ms=*/3600 * 1000);
  const int64_t give_up = now_ms() + 5000;
  while (notifications_of(writer) == 0 && now_ms() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(notifications_of(writer), 1);
  auto none = (*desk)->ms_until_next_release();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

// Regression: list_text walked the array of a destroyed temporary (GCC's
// -Wdangling-pointer found it).
TEST_F(LegalDeskTest, TextListingNamesEveryDemand) {
  auto empty = desk_->list_text();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "no demands recorded\n");
  account("writer");
  const std::string first(intake(demand_json({})).at("id").as_string());
  const std::string second(intake(demand_json({{"agency", "DHS"}})).at("id").as_string());
  auto listed = desk_->list_text();
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_NE(listed->find(first), std::string::npos) << *listed;
  EXPECT_NE(listed->find(second), std::string::npos) << *listed;
  EXPECT_NE(listed->find("DHS search_warrant  @writer"), std::string::npos) << *listed;
}

// Regression: the server's releaser and a CLI command, two processes on one
// data directory, both found the same held notice due and both sent it.
TEST_F(LegalDeskTest, TwoProcessesReleasingOneHeldNoticeSendItOnce) {
  const int64_t writer = account("writer");
  auto out = intake(demand_json(
      {{"nondisclosure", "court_order"}, {"nondisclosure_until", "2026-12-31T00:00:00Z"}}));
  ASSERT_FALSE(out.empty());

  OtherProcess other;
  ASSERT_NO_FATAL_FAILURE(open_other_process(other));
  clock_ms_ = *parse_rfc3339_ms("2027-01-02T00:00:00Z");  // now the order has expired

  // This desk reads its clock after finding the held notice and before sending
  // it; at that moment the other process tries to release too, and is given
  // ample time to do it before this desk goes on.
  std::thread rival;
  std::atomic<bool> rival_done{false};
  bool armed = true;
  DeskOptions options;
  options.data_dir = dir_.path();
  options.clock = [&] {
    if (armed) {
      armed = false;
      rival = std::thread([&] {
        EXPECT_TRUE(other.desk->release_expired_notices().ok());
        rival_done = true;
      });
      const int64_t give_up = now_ms() + 500;
      while (!rival_done && now_ms() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return clock_ms_;
  };
  desk_.reset();
  auto desk = LegalDesk::open(*microblog_, *store_, *legal_, options);
  ASSERT_TRUE(desk.ok()) << desk.error().message;
  rival.join();
  EXPECT_FALSE(armed);
  EXPECT_EQ(notifications_of(writer), 1);
}

// Regression: the desk wrote through a second connection, whose commits the
// microblog store counted as another process's, so every legal action in the
// server dropped every warm home feed. A `publius legal` command still must.
TEST_F(LegalDeskTest, OwnLegalActionsKeepWarmHomeFeedsAndAnotherProcessDropsThem) {
  account("writer");
  const int64_t reader = account("reader");
  ASSERT_TRUE(microblog_->timelines().home_timeline(reader, domain::Page{}).ok());
  ASSERT_TRUE(feeds_.is_warm(reader));
  auto before = store_->external_commits();
  ASSERT_TRUE(before.ok()) << before.error().message;

  const std::string id(intake(demand_json({})).at("id").as_string());
  move(id, "withdrawn");
  auto after_own = store_->external_commits();
  ASSERT_TRUE(after_own.ok()) << after_own.error().message;
  EXPECT_EQ(*after_own, *before);
  feeds_.drop_all_after(*after_own);  // what the next home timeline read does
  EXPECT_TRUE(feeds_.is_warm(reader));

  OtherProcess other;
  ASSERT_NO_FATAL_FAILURE(open_other_process(other));
  ASSERT_TRUE(other.desk->intake(demand_json({{"agency", "DHS"}})).ok());
  auto after_other = store_->external_commits();
  ASSERT_TRUE(after_other.ok()) << after_other.error().message;
  EXPECT_GT(*after_other, *before);
  feeds_.drop_all_after(*after_other);
  EXPECT_FALSE(feeds_.is_warm(reader));
}

TEST(UstarTest, RefusesPathsTooLongForTheFormat) {
  EXPECT_FALSE(ustar_archive("root", {{std::string(120, 'a'), "x"}}, 0).ok());
  auto tar = ustar_archive("root", {{"a/b.json", "{}"}}, 0);
  ASSERT_TRUE(tar.ok());
  // Headers of root/, root/a/ and the file, one data block, two zero blocks.
  EXPECT_EQ(tar->size(), 512u * 3 + 512 + 1024);
}

TEST_F(LegalDeskTest, RulesFileIsWrittenAndOperatorEditsAreRead) {
  const std::string path = desk_->legal_dir() + "/rules.json";
  ASSERT_TRUE(std::filesystem::exists(path));
  std::string rules = read_text(path);
  const std::string needle = "does not cover this use";
  const size_t at = rules.find(needle);
  ASSERT_NE(at, std::string::npos);
  rules.replace(at, needle.size(), "OPERATOR EDITED TEXT");
  std::ofstream(path, std::ios::trunc) << rules;
  open_desk();
  account("alt_immigration");
  auto out = intake(read_text(testing::fixture_path("cbp_2017_summons.json")));
  const auto* f = finding(out, "authority_out_of_scope");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(std::string(f->at("explanation").as_string()).find("OPERATOR EDITED TEXT"),
            std::string::npos);
}

// The files the desk writes for the operator are whole or absent: a write cut short (here
// by a file size limit, as a full disk would) leaves no half rules.json that every later
// start would refuse, and the next start writes it whole.
TEST_F(LegalDeskTest, RulesFileIsWrittenWholeOrNotAtAll) {
  const std::string legal_dir = desk_->legal_dir();
  const std::string path = legal_dir + "/rules.json";
  const std::string whole = read_text(path);
  ASSERT_GT(whole.size(), 64u);
  desk_.reset();
  ASSERT_TRUE(std::filesystem::remove(path));
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &before), 0);
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);  // a short write, not a signal
  rlimit small = before;
  small.rlim_cur = 64;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  DeskOptions options;
  options.data_dir = dir_.path();
  auto cut_short = LegalDesk::open(*microblog_, *store_, *legal_, options);
  ::setrlimit(RLIMIT_FSIZE, &before);
  std::signal(SIGXFSZ, previous_handler);
  EXPECT_FALSE(cut_short.ok());
  EXPECT_FALSE(std::filesystem::exists(path)) << read_text(path).size() << " bytes written";
  for (const auto& entry : std::filesystem::directory_iterator(legal_dir))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  open_desk();
  EXPECT_EQ(read_text(path), whole);
}

TEST_F(LegalDeskTest, ProductionHoldsOnlyApprovedExistingDataWithHashes) {
  const int64_t writer = account("writer");
  const int64_t friend_id = account("friend");
  post(writer, "public words", domain::Visibility::kPublic);
  post(writer, "followers words", domain::Visibility::kPrivate);
  post(writer, "@friend SEALED-DM-TEXT", domain::Visibility::kDirect);
  (void)friend_id;
  auto out = intake(demand_json(
      {{"categories_requested", json::array{"content", "non_content_records", "ip_addresses"}}}));
  const std::string id(out.at("id").as_string());
  const std::string pkg = dir_.path() + "/production";
  auto refused = desk_->produce(id, {"email_addresses"}, pkg);
  ASSERT_FALSE(refused.ok());  // not requested
  EXPECT_EQ(refused.error().message.rfind("--approve:", 0), 0u);

  auto manifest_text = desk_->produce(id, {"non_content_records"}, pkg);
  ASSERT_TRUE(manifest_text.ok()) << manifest_text.error().message;
  auto manifest = json::parse(*manifest_text).as_object();
  EXPECT_EQ(read_text(pkg + "/manifest.json"), *manifest_text);
  std::set<std::string> listed;
  for (const auto& f : manifest.at("files").as_array()) {
    const std::string path(f.at("path").as_string());
    listed.insert(path);
    EXPECT_EQ(sha256_hex(read_text(pkg + "/" + path)), f.at("sha256").as_string()) << path;
  }
  EXPECT_EQ(listed, std::set<std::string>{"writer/non_content_records.json"});
  // Every file on disk is in the manifest; no content was produced.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(pkg)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = std::filesystem::relative(entry.path(), pkg).string();
    if (rel != "manifest.json") {
      EXPECT_TRUE(listed.count(rel)) << rel;
    }
    const std::string bytes = read_text(entry.path().string());
    EXPECT_EQ(bytes.find("public words"), std::string::npos);
    EXPECT_EQ(bytes.find("SEALED-DM-TEXT"), std::string::npos);
  }
  bool ip_statement = false;
  for (const auto& s : manifest.at("statements").as_array())
    if (s.at("category").as_string() == "ip_addresses") ip_statement = true;
  EXPECT_TRUE(ip_statement);
  EXPECT_NE(
      std::string(manifest.at("sealed_direct_messages").as_string()).find("cannot be produced"),
      std::string::npos);
  auto shown = show(id);
  EXPECT_EQ(shown.at("state").as_string(), "produced");
  EXPECT_TRUE(shown.at("production").at("some_information_produced").as_bool());
  EXPECT_EQ(shown.at("notice").at("status").as_string(), "sent");  // told before producing
  EXPECT_EQ(report("2026H2").at("percent_some_information_produced").to_number<double>(), 100.0);
  EXPECT_FALSE(desk_->produce(id, {"content"}, dir_.path() + "/again").ok());  // already produced
}

TEST_F(LegalDeskTest, ContentProductionExcludesSealedDirectMessages) {
  const int64_t writer = account("writer");
  account("friend");
  post(writer, "public words", domain::Visibility::kPublic);
  post(writer, "followers words", domain::Visibility::kPrivate);
  post(writer, "@friend SEALED-DM-TEXT", domain::Visibility::kDirect);
  auto out = intake(demand_json({}));
  const std::string pkg = dir_.path() + "/production";
  auto manifest = desk_->produce(std::string(out.at("id").as_string()), {"content"}, pkg);
  ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  const std::string content = read_text(pkg + "/writer/content.json");
  EXPECT_NE(content.find("public words"), std::string::npos);
  EXPECT_NE(content.find("followers words"), std::string::npos);
  EXPECT_EQ(content.find("SEALED-DM-TEXT"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(pkg + "/writer/non_content_records.json"));
}

// A production describes each account as it was at one moment: a post written by another
// connection while the production is read (here: while the desk counts the account's data)
// is in both its statements and its content, or in neither; never "content: not held"
// beside a content file.
TEST_F(LegalDeskTest, ProductionIsOneSnapshotOfEachAccount) {
  const int64_t writer = account("writer");
  auto out = intake(demand_json({}));
  const std::string id(out.at("id").as_string());
  auto other = sqlite::Db::open(dir_.path() + "/publius.db");
  ASSERT_TRUE(other.ok());
  Status written = ok_status();
  const std::string pkg = dir_.path() + "/production";
  Result<std::string> manifest_text = internal_error("not produced");
  {
    publius::testing::StatementHook midway(
        *store_, [](std::string_view sql) { return sql.find("FROM favourites") != sql.npos; },
        [&] {
          written = other->exec(
              "INSERT INTO statuses (id, account_id, text, html, visibility, created_ms) VALUES "
              "(1, " +
              std::to_string(writer) + ", 'ARRIVED-MIDWAY', '<p>ARRIVED-MIDWAY</p>', 0, 1)");
        });
    manifest_text = desk_->produce(id, {"content"}, pkg);
    ASSERT_TRUE(midway.fired());
  }
  ASSERT_TRUE(written.ok()) << written.error().message;
  ASSERT_TRUE(manifest_text.ok()) << manifest_text.error().message;
  bool said_not_held = false;
  const json::value manifest = json::parse(*manifest_text);
  for (const auto& statement : manifest.at("statements").as_array())
    if (statement.at("category").as_string() == "content") said_not_held = true;
  const bool produced = std::filesystem::exists(pkg + "/writer/content.json");
  EXPECT_NE(said_not_held, produced) << "content said " << (said_not_held ? "not held" : "held")
                                     << ", content file " << (produced ? "written" : "absent");
}

TEST_F(LegalDeskTest, TransparencyFormatsAndPeriods) {
  account("alt_immigration");
  intake(read_text(testing::fixture_path("cbp_2017_summons.json")));
  for (const char* format : {"csv", "html"}) {
    TransparencyOptions options;
    options.period = "2017";
    options.format = format;
    auto r = desk_->transparency(options);
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r->find("requests"), std::string::npos);
    EXPECT_NE(r->find("As of 2026-11-23"), std::string::npos);
  }
  // Nothing but digits where digits go: no sign, space or short number reads as a year or month.
  for (const char* bad : {"2017H3", "17", "2017-13..2017-14", "2017-06..2017-01", "", "+201",
                          " 201", "-201", "+201H1", "2017- 1..2017-02", "2017-+1..2017-02",
                          "2017-01..+201-02", "2017-01..2017-+2", "2017-01,,2017-02", "2017h1"}) {
    TransparencyOptions options;
    options.period = bad;
    auto r = desk_->transparency(options);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().message.rfind("--period:", 0), 0u);
  }
  TransparencyOptions options;
  options.period = "2017";
  options.format = "pdf";
  EXPECT_FALSE(desk_->transparency(options).ok());
}

}  // namespace
}  // namespace publius::legal
