// Microblog: hashtags as entities, following them and featuring them. A followed tag's public
// posts reach the follower's home feed by the same fan-out as a followed
// account's (deliver() in posts.cc); the store's home timeline query, which
// rebuilds a feed, includes them the same way.
#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "domain/microblog.h"
#include "domain/paging.h"
#include "domain/text_format.h"
#include "util/crypto.h"
#include "util/time.h"

namespace publius::domain {
namespace {

Result<std::string> normalized_name(std::string_view name) {
  if (!is_valid_tag(name)) return not_found();
  return normalize_tag(name);
}

// The page of `tags` Mastodon's id paging asks for, newest (highest id) first.
std::vector<Tag> page_of(std::vector<Tag> tags, const Page& page) {
  std::erase_if(tags, [&](const Tag& t) {
    return (page.max_id && t.id >= *page.max_id) || (page.since_id && t.id <= *page.since_id) ||
           (page.min_id && t.id <= *page.min_id);
  });
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) { return a.id > b.id; });
  keep_page_limit(tags, page);
  return tags;
}

}  // namespace

int64_t tag_id(std::string_view normalized_name) {
  const std::string digest = sha256_hex(normalized_name);
  uint64_t bits = 0;
  std::from_chars(digest.data(), digest.data() + 13, bits, 16);
  return static_cast<int64_t>(bits) + 1;
}

Result<std::vector<Tag>> Tags::tag_entities(Viewer viewer, const std::vector<std::string>& names) {
  std::vector<std::string> followed;
  if (viewer) {
    PUBLIUS_ASSIGN_OR_RETURN(followed, store_.followed_tags(*viewer));
  }
  const int64_t today = now_day_ms();
  const int64_t first_day = today - (kTagHistoryDays - 1) * kDayMs;
  std::vector<Tag> out;
  out.reserve(names.size());
  for (const auto& name : names) {
    Tag entity;
    entity.id = tag_id(name);
    entity.name = name;
    PUBLIUS_ASSIGN_OR_RETURN(auto used, store_.tag_history(name, first_day));
    std::unordered_map<int64_t, TagDay> by_day;
    for (const auto& day : used) by_day[day.day_ms] = day;
    for (int64_t day = today; day >= first_day; day -= kDayMs) {
      auto it = by_day.find(day);
      entity.history.push_back(it == by_day.end() ? TagDay{day, 0, 0} : it->second);
    }
    if (viewer) entity.following = std::binary_search(followed.begin(), followed.end(), name);
    out.push_back(std::move(entity));
  }
  return out;
}
Result<Tag> Tags::tag(Viewer viewer, std::string_view name) {
  PUBLIUS_ASSIGN_OR_RETURN(auto normalized, normalized_name(name));
  PUBLIUS_ASSIGN_OR_RETURN(auto found, tag_entities(viewer, {normalized}));
  return std::move(found.front());
}
Result<std::vector<Tag>> Tags::tags(Viewer viewer, const std::vector<std::string>& names) {
  std::vector<std::string> normalized;
  for (const auto& name : names)
    if (is_valid_tag(name)) normalized.push_back(normalize_tag(name));
  return tag_entities(viewer, normalized);
}
Result<Tag> Tags::follow_tag(int64_t account_id, std::string_view name) {
  PUBLIUS_ASSIGN_OR_RETURN(auto normalized, normalized_name(name));
  PUBLIUS_ASSIGN_OR_RETURN(auto followed, store_.followed_tags(account_id));
  if (!std::binary_search(followed.begin(), followed.end(), normalized)) {
    if (followed.size() >= kMaxFollowedTags)
      return unprocessable("Validation failed: you cannot follow more than " +
                           std::to_string(kMaxFollowedTags) + " hashtags");
    PUBLIUS_ASSIGN_OR_RETURN(bool added, store_.set_tag_follow(account_id, normalized, true));
    if (added) feeds_.drop(account_id);  // rebuilt with the tag's posts on the next read
  }
  return tag(account_id, normalized);
}
Result<Tag> Tags::unfollow_tag(int64_t account_id, std::string_view name) {
  PUBLIUS_ASSIGN_OR_RETURN(auto normalized, normalized_name(name));
  PUBLIUS_ASSIGN_OR_RETURN(bool removed, store_.set_tag_follow(account_id, normalized, false));
  if (removed) feeds_.drop(account_id);
  return tag(account_id, normalized);
}
Result<std::vector<Tag>> Tags::followed_tags(int64_t account_id, const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto names, store_.followed_tags(account_id));
  std::vector<Tag> all;
  all.reserve(names.size());
  for (auto& name : names) all.push_back(Tag{tag_id(name), std::move(name), {}, true});
  // Only the page's tags are looked up in full.
  std::vector<std::string> shown;
  for (auto& t : page_of(std::move(all), page)) shown.push_back(std::move(t.name));
  return tag_entities(account_id, shown);
}

Result<std::vector<FeaturedTag>> Tags::featured_tags(int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto account, store_.account_by_id(account_id));
  if (!account) return not_found();
  return store_.featured_tags(account_id);
}
Result<FeaturedTag> Tags::feature_tag(int64_t account_id, std::string_view name) {
  if (!name.empty() && name.front() == '#') name.remove_prefix(1);
  if (name.empty()) return unprocessable("Validation failed: Name can't be blank");
  if (!is_valid_tag(name)) return unprocessable("Validation failed: Tag is invalid");
  const std::string normalized = normalize_tag(name);
  PUBLIUS_ASSIGN_OR_RETURN(auto id, store_.feature_tag(account_id, normalized, kMaxFeaturedTags));
  if (!id)
    return unprocessable("Validation failed: you cannot feature more than " +
                         std::to_string(kMaxFeaturedTags) + " hashtags");
  PUBLIUS_ASSIGN_OR_RETURN(auto featured, store_.featured_tags(account_id));
  for (auto& f : featured)
    if (f.id == *id) return std::move(f);
  return not_found();  // unfeatured meanwhile
}
Status Tags::unfeature_tag(int64_t account_id, int64_t featured_tag_id) {
  PUBLIUS_ASSIGN_OR_RETURN(bool removed, store_.unfeature_tag(account_id, featured_tag_id));
  if (!removed) return not_found();
  return ok_status();
}
Result<std::vector<Tag>> Tags::featured_tag_suggestions(int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto featured, store_.featured_tags(account_id));
  // Asking for as many more as are featured leaves enough once those are left out.
  PUBLIUS_ASSIGN_OR_RETURN(
      auto used,
      store_.listed_tags_of(account_id, static_cast<int>(kMaxFeaturedTags + featured.size())));
  std::erase_if(used, [&](const std::string& name) {
    return std::any_of(featured.begin(), featured.end(),
                       [&](const FeaturedTag& f) { return f.name == name; });
  });
  if (used.size() > kMaxFeaturedTags) used.resize(kMaxFeaturedTags);
  return tag_entities(account_id, used);
}

}  // namespace publius::domain
