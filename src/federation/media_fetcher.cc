#include "federation/media_fetcher.h"

#include <future>

#include "media/image_processor.h"

namespace publius::federation {
namespace {

FetcherOptions media_options(FetcherOptions options) {
  options.max_body_bytes = media::ImageLimits{}.max_bytes;
  options.timeout = MediaFetcher::kTimeout;
  return options;
}

}  // namespace

MediaFetcher::MediaFetcher(const FetcherOptions& federation)
    : fetcher_(media_options(federation)) {}

std::vector<Result<std::string>> MediaFetcher::fetch_media(
    const std::vector<std::string>& urls) const {
  std::vector<std::future<Result<std::string>>> pending;
  pending.reserve(urls.size());
  for (const auto& url : urls)
    pending.push_back(std::async(std::launch::async, [this, &url] { return fetch_one(url); }));
  std::vector<Result<std::string>> out;
  out.reserve(urls.size());
  for (auto& p : pending) out.push_back(p.get());
  return out;
}

Result<std::string> MediaFetcher::fetch_one(const std::string& url) const {
  PUBLIUS_ASSIGN_OR_RETURN(auto response,
                           fetcher_.fetch({.url = url, .headers = {"Accept: image/*"}}));
  if (response.status != 200) return unavailable("Media file not served");
  return std::move(response.body);
}

}  // namespace publius::federation
