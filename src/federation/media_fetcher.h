// MediaFetcher: fetches remote media files (a Note's attachments, an actor's avatar and
// header) for the domain (domain::MediaFetcher), through a Fetcher of its own made from
// the federation fetcher's options (the same SSRF checks, proxy and loopback rule) with
// the body cap of a local upload (media::ImageLimits::max_bytes) and a short timeout.
//
// The URLs of one call are fetched at once, one thread each, so a post's attachments
// take as long as the slowest of them, never more than `timeout` (plus what a
// connection's redirects add, each under the same timeout). Only a 200 answer is a
// file; the bytes are returned as they came: the domain's media pipeline decides what
// they are and strips them. No cookie, no referrer and no header naming this server's
// readers is sent. Thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "domain/federation.h"
#include "federation/fetcher.h"

namespace publius::federation {

class MediaFetcher final : public domain::MediaFetcher {
 public:
  static constexpr std::chrono::seconds kTimeout{8};

  // `federation` are the options of the server's federation fetcher.
  explicit MediaFetcher(const FetcherOptions& federation);

  std::vector<Result<std::string>> fetch_media(const std::vector<std::string>& urls) const override;

 private:
  Result<std::string> fetch_one(const std::string& url) const;

  const Fetcher fetcher_;
};

}  // namespace publius::federation
