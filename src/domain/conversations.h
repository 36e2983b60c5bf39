// Conversations: each account's direct-message threads, one per set of other
// participants (Mastodon's conversations), each listed by its newest post (paged
// by that post's id, newest first). A new direct post marks its thread unread
// for its recipients and read for its author; a thread whose newest post the
// account may no longer see (a block) is left out.
#pragma once

#include <vector>

#include "domain/service.h"

namespace publius::domain {

class Conversations final : private ServiceBase {
 public:
  explicit Conversations(Microblog& microblog) : ServiceBase(microblog) {}

  Result<std::vector<ConversationEntry>> conversations(int64_t account_id, const Page& page);
  // Marks one read and returns it; kNotFound for a conversation not the account's.
  Result<ConversationEntry> read_conversation(int64_t account_id, int64_t conversation_id);
  // Marks one read (the web UI, which shows it already); kNotFound likewise.
  Status mark_read(int64_t account_id, int64_t conversation_id);
  // Takes it off the list until a new direct post arrives in it; kNotFound likewise.
  Status remove_conversation(int64_t account_id, int64_t conversation_id);

  // Where a new direct post goes: the thread of each of its accounts, unread for
  // all but the author; insert_status() files it there with the post.
  static std::vector<store::ConversationFiling> filings(const Post& post);
  // After the direct post `deleted_id` is gone: each thread it ended (`ended`, read
  // before the delete) points at its previous post again, or goes when it had none.
  Status repoint(const std::vector<Conversation>& ended, int64_t deleted_id);
};

}  // namespace publius::domain
