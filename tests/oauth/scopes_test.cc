#include "oauth/scopes.h"

#include <gtest/gtest.h>

#include <set>

namespace publius::oauth {
namespace {

TEST(ScopesTest, TopLevelCoversGranular) {
  EXPECT_TRUE(covers("read write", "read:statuses"));
  EXPECT_TRUE(covers("write", "write:favourites"));
  EXPECT_FALSE(covers("read", "write:statuses"));
  EXPECT_FALSE(covers("read:statuses", "read"));
  EXPECT_FALSE(covers("read:statuses", "read:accounts"));
}

TEST(ScopesTest, LegacyFollowCoversRelationshipScopes) {
  EXPECT_TRUE(covers("follow", "write:follows"));
  EXPECT_TRUE(covers("follow", "read:blocks"));
  EXPECT_FALSE(covers("follow", "read:statuses"));
}

TEST(ScopesTest, AdminScopes) {
  EXPECT_TRUE(covers("admin:read", "admin:read:accounts"));
  EXPECT_FALSE(covers("read", "admin:read:accounts"));
  EXPECT_FALSE(covers("admin:read", "admin:write:accounts"));
}

TEST(ScopesTest, PrefixMustEndAtAColon) {
  EXPECT_FALSE(covers("rea", "read"));
  EXPECT_FALSE(covers("read", "readx:statuses"));
}

TEST(ScopesTest, KnownScopes) {
  EXPECT_TRUE(all_known("read write follow push"));
  EXPECT_TRUE(all_known("read:statuses write:media profile admin:write:accounts"));
  EXPECT_FALSE(all_known("read bogus"));
  EXPECT_FALSE(all_known(""));
  EXPECT_FALSE(all_known("read:nothing"));
}

TEST(ScopesTest, KnownScopesListsEveryAcceptedScopeOnce) {
  const auto scopes = known_scopes();
  for (const auto& s : scopes) EXPECT_TRUE(all_known(s)) << s;
  const std::set<std::string> distinct(scopes.begin(), scopes.end());
  EXPECT_EQ(distinct.size(), scopes.size());
  for (const char* s : {"read", "write", "follow", "push", "profile", "admin:read", "admin:write",
                        "read:statuses", "write:media", "admin:write:accounts"})
    EXPECT_TRUE(distinct.count(s)) << s;
}

TEST(ScopesTest, SplitAcceptsSpacesAndPluses) {
  EXPECT_EQ(split_scopes("read+write  follow"),
            (std::vector<std::string>{"read", "write", "follow"}));
}

TEST(ScopesTest, Subset) {
  EXPECT_TRUE(subset("read:statuses write", "read write follow"));
  EXPECT_FALSE(subset("read push", "read write"));
}

}  // namespace
}  // namespace publius::oauth
