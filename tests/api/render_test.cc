// Renderer: the JSON caches never serve an entity other than the one asked for.
#include "api/render.h"

#include <boost/json.hpp>

#include "support/microblog_fixture.h"

namespace publius::api {
namespace {

class RenderTest : public testing::MicroblogFixture {
 protected:
  void SetUp() override {
    MicroblogFixture::SetUp();
    renderer_ = std::make_unique<Renderer>(*microblog_);
    microblog_->set_observer(renderer_.get());
  }
  void TearDown() override { microblog_->set_observer(nullptr); }

  domain::Post load(int64_t id) {
    auto posts = microblog_->visibility().load({id});
    EXPECT_TRUE(posts.ok() && posts->size() == 1);
    return posts.ok() && !posts->empty() ? posts->front() : domain::Post{};
  }
  domain::Account account_of(int64_t id) {
    auto a = microblog_->accounts().account(id);
    EXPECT_TRUE(a.ok());
    return a.ok() ? *a : domain::Account{};
  }
  boost::json::object status_json(const domain::Post& post) {
    domain::ReaderKey reader;
    auto json = renderer_->status(std::nullopt, post, reader);
    EXPECT_TRUE(json.ok());
    return json.ok() ? boost::json::parse(*json).as_object() : boost::json::object{};
  }

  std::unique_ptr<Renderer> renderer_;
};

// Two requests racing: one read the post, then another's favourite committed and
// invalidated the cache, then the first rendered what it had read. What it rendered
// is no answer for anyone who reads the post after the favourite.
TEST_F(RenderTest, AStatusRenderedFromAnOlderReadIsNotServedForTheNewerPost) {
  const int64_t author = account("author"), fan = account("fan");
  const int64_t id = post(author, "hello");
  const domain::Post before = load(id);
  ASSERT_TRUE(microblog_->posts().set_favourite(fan, id, true).ok());
  EXPECT_EQ(status_json(before).at("favourites_count").as_int64(), 0);
  EXPECT_EQ(status_json(load(id)).at("favourites_count").as_int64(), 1);
  EXPECT_EQ(status_json(load(id)).at("account").at("statuses_count").as_int64(), 1);
}

TEST_F(RenderTest, AnAccountRenderedFromAnOlderReadIsNotServedForTheNewerAccount) {
  const int64_t star = account("star"), fan = account("fan");
  const int64_t id = post(star, "hello");
  const domain::Account before = account_of(star);
  ASSERT_TRUE(microblog_->relationships().follow(fan, star, true, false).ok());
  auto render = [&](const domain::Account& a) {
    auto json = renderer_->account(a);
    EXPECT_TRUE(json.ok());
    return json.ok() ? boost::json::parse(*json).as_object() : boost::json::object{};
  };
  EXPECT_EQ(render(before).at("followers_count").as_int64(), 0);
  // The author inside a status, which the renderer reads itself, is the account as it is.
  EXPECT_EQ(status_json(load(id)).at("account").at("followers_count").as_int64(), 1);
  EXPECT_EQ(render(before).at("followers_count").as_int64(), 0);
  EXPECT_EQ(render(account_of(star)).at("followers_count").as_int64(), 1);
}

}  // namespace
}  // namespace publius::api
