// Strict intake of demand JSON (src/legal/demand.cc).
#include "legal/demand.h"

#include <gtest/gtest.h>

#include "legal/legal_fixture.h"

namespace publius::legal {
namespace {

// The fixture's intake JSON (a valid search warrant, with overrides), without its stores.
struct Intake : testing::LegalDeskFixture {
  using LegalDeskFixture::demand_json;
};

// Found by fuzz/demand_fuzz (corpus/demand_fuzz/empty_field_name): an unknown field with an
// empty name gave the message ": unknown field", naming nothing.
TEST(DemandTest, UnknownFieldWithAnEmptyNameIsNamed) {
  const auto parsed = parse_demand(Intake::demand_json({{"", 1}}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "\"\": unknown field");
  const auto other = parse_demand(Intake::demand_json({{"extra", 1}}));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().message, "extra: unknown field");
}

// An accepted demand's stored form reads back (the year-range half is in tests/util).
TEST(DemandTest, StoredFormReadsBack) {
  const auto parsed = parse_demand(Intake::demand_json({{"received_at", "0000-01-01T00:00:00Z"}}));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto reread = parse_demand(demand_to_json(*parsed, /*with_id=*/false));
  ASSERT_TRUE(reread.ok()) << reread.error().message;
  EXPECT_EQ(reread->received_ms, parsed->received_ms);
  EXPECT_FALSE(
      parse_demand(Intake::demand_json({{"received_at", "0000-01-01T00:00:00+01:00"}})).ok());
}

}  // namespace
}  // namespace publius::legal
