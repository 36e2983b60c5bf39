// What Web Push costs the server (docs/decisions/0007-web-push-subscriptions.md):
// encrypting one Mastodon push payload in each encoding (a fresh P-256 key, ECDH,
// HKDF, AES-128-GCM), signing a VAPID token, and the memory a subscription takes in
// the in-memory registry (reported as bytes_per_subscription, from malloc's count).
//
//   build/push_bench
#include <benchmark/benchmark.h>
#include <malloc.h>

#include "push/subscriptions.h"
#include "push/vapid.h"
#include "push/web_push_crypto.h"

namespace publius::push {
namespace {

// A payload as the sender writes it for a mention: token, ids, avatar URL, title, 140 characters.
const std::string kPayload =
    R"({"access_token":"Jm1VvWnKx2cY0s3Zb4Tq8Ue7Ri6Oo5Pp9Ll0Kk1Jj2H","preferred_locale":"en",)"
    R"("notification_id":"117664951953457152","notification_type":"mention",)"
    R"("icon":"https://example.org/system/media/5c9a8f2e7b1d4a6c.png",)"
    R"("title":"You were mentioned by Someone Somebody","body":")" +
    std::string(140, 'x') + R"("})";

void BM_EncryptAes128gcm(benchmark::State& state) {
  const auto device = *generate_p256_key_pair();
  const std::string auth(16, 'a');
  for (auto _ : state)
    benchmark::DoNotOptimize(encrypt_aes128gcm(kPayload, device.public_key, auth));
}
BENCHMARK(BM_EncryptAes128gcm);

void BM_EncryptAesgcm(benchmark::State& state) {
  const auto device = *generate_p256_key_pair();
  const std::string auth(16, 'a');
  for (auto _ : state) benchmark::DoNotOptimize(encrypt_aesgcm(kPayload, device.public_key, auth));
}
BENCHMARK(BM_EncryptAesgcm);

void BM_VapidJwt(benchmark::State& state) {
  const VapidKey key(*generate_p256_key_pair());
  for (auto _ : state)
    benchmark::DoNotOptimize(key.jwt_for("https://fcm.googleapis.com/fcm/send/abc", 1'800'000'000,
                                         "https://example.org"));
}
BENCHMARK(BM_VapidJwt);

// 100,000 subscriptions with endpoints the length of FCM's (about 190 bytes).
void BM_SubscriptionMemory(benchmark::State& state) {
  constexpr int64_t kCount = 100'000;
  for (auto _ : state) {
    const size_t before = mallinfo2().uordblks;
    {
      PushSubscriptions subs;
      for (int64_t i = 0; i < kCount; ++i) {
        PushSubscription s;
        s.token_id = i;
        s.account_id = i / 2;
        s.access_token = std::string(43, 't');
        s.token_scopes = "read write follow push";
        s.endpoint =
            "https://fcm.googleapis.com/fcm/send/" + std::string(152, 'e') + std::to_string(i);
        s.receiver_public_key = std::string(65, 'k');
        s.auth_secret = std::string(16, 'a');
        subs.put(std::move(s));
      }
      state.counters["bytes_per_subscription"] =
          static_cast<double>(mallinfo2().uordblks - before) / kCount;
    }
  }
}
BENCHMARK(BM_SubscriptionMemory)->Iterations(1);

}  // namespace
}  // namespace publius::push

BENCHMARK_MAIN();
