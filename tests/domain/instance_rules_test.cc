#include "domain/instance_rules.h"

#include <gtest/gtest.h>

namespace publius::domain {
namespace {

TEST(InstanceRulesTest, OneRulePerLineSkippingBlankLinesAndComments) {
  auto rules = parse_instance_rules("# header\n\n  Be kind.  \r\n\t#not a rule\nNo spam.\n\n");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_EQ(*rules, (std::vector<std::string>{"Be kind.", "No spam."}));
}

TEST(InstanceRulesTest, EmptyTextHasNoRules) {
  auto rules = parse_instance_rules("");
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE(rules->empty());
  auto comments = parse_instance_rules("# only a comment\n   \n");
  ASSERT_TRUE(comments.ok());
  EXPECT_TRUE(comments->empty());
}

TEST(InstanceRulesTest, LengthIsCountedInCodePoints) {
  std::string at_limit;
  for (size_t i = 0; i < kMaxRuleLength; ++i) at_limit += "é";
  auto ok = parse_instance_rules(at_limit);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->front(), at_limit);
  auto too_long = parse_instance_rules("first\n\n" + at_limit + "é");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(too_long.error().message, "line 3: the rule is 301 characters long (at most 300)");
}

TEST(InstanceRulesTest, InvalidUtf8AndControlCharactersAreRefusedWithTheirLine) {
  auto bad_utf8 = parse_instance_rules("ok\nbad \xff byte");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.error().message, "line 2: the rule is not valid UTF-8");
  auto control = parse_instance_rules("bell \x07 here");
  ASSERT_FALSE(control.ok());
  EXPECT_EQ(control.error().message, "line 1: the rule holds a control character");
}

}  // namespace
}  // namespace publius::domain
