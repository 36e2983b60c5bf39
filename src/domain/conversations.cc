// Conversations: the direct-message threads of each account.
#include <algorithm>

#include "domain/microblog.h"

namespace publius::domain {
namespace {

// How far back a thread whose newest post was deleted looks for its previous one.
constexpr int kRepointScanLimit = 200;

// The accounts of a direct post other than `owner`, ascending: the key of the
// owner's thread for it.
std::vector<int64_t> others_in(const Post& post, int64_t owner) {
  std::vector<int64_t> others = post.mention_account_ids;
  others.push_back(post.account_id);
  std::sort(others.begin(), others.end());
  others.erase(std::unique(others.begin(), others.end()), others.end());
  std::erase(others, owner);
  return others;
}

}  // namespace

std::vector<store::ConversationFiling> Conversations::filings(const Post& post) {
  std::vector<int64_t> accounts = others_in(post, post.account_id);
  accounts.push_back(post.account_id);
  std::vector<store::ConversationFiling> filings;
  filings.reserve(accounts.size());
  for (int64_t owner : accounts)
    filings.push_back({owner, others_in(post, owner), /*unread=*/owner != post.account_id});
  return filings;
}
Status Conversations::repoint(const std::vector<Conversation>& ended, int64_t deleted_id) {
  for (const auto& c : ended) {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto ids, store_.statuses_with_visibility_of(c.account_id, Visibility::kDirect, deleted_id,
                                                     kRepointScanLimit));
    PUBLIUS_ASSIGN_OR_RETURN(auto earlier, mb_.visibility().load(ids));
    auto previous = std::find_if(earlier.begin(), earlier.end(), [&](const Post& p) {
      return others_in(p, c.account_id) == c.participant_ids;
    });
    if (previous != earlier.end())
      PUBLIUS_TRY(
          store_.save_conversation(c.account_id, c.participant_ids, previous->id, c.unread));
  }
  return ok_status();
}
Result<std::vector<ConversationEntry>> Conversations::conversations(int64_t account_id,
                                                                    const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto threads, store_.conversations(account_id, page));
  std::vector<int64_t> last_ids;
  for (const auto& c : threads) last_ids.push_back(c.last_status_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, mb_.visibility().load(last_ids));
  std::vector<ConversationEntry> entries;
  for (auto& c : threads) {
    auto post = std::find_if(posts.begin(), posts.end(),
                             [&](const Post& p) { return p.id == c.last_status_id; });
    if (post == posts.end()) continue;
    PUBLIUS_ASSIGN_OR_RETURN(bool visible, mb_.visibility().can_view(account_id, *post));
    if (visible) entries.push_back({std::move(c), std::move(*post)});
  }
  return entries;
}
Result<ConversationEntry> Conversations::read_conversation(int64_t account_id,
                                                           int64_t conversation_id) {
  PUBLIUS_ASSIGN_OR_RETURN(bool had, store_.mark_conversation_read(account_id, conversation_id));
  if (!had) return not_found();
  PUBLIUS_ASSIGN_OR_RETURN(auto c, store_.conversation(account_id, conversation_id));
  if (!c) return not_found();
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(account_id, c->last_status_id));
  return ConversationEntry{std::move(*c), std::move(post)};
}
Status Conversations::remove_conversation(int64_t account_id, int64_t conversation_id) {
  PUBLIUS_ASSIGN_OR_RETURN(bool had, store_.delete_conversation(account_id, conversation_id));
  if (!had) return not_found();
  return ok_status();
}

Status Conversations::mark_read(int64_t account_id, int64_t conversation_id) {
  PUBLIUS_ASSIGN_OR_RETURN(bool had, store_.mark_conversation_read(account_id, conversation_id));
  if (!had) return not_found();
  return ok_status();
}

}  // namespace publius::domain
