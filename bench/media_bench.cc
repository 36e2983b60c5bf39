// What an upload costs: Publius's image processor (decode, turn upright, copy
// the pixels away from every metadata field, encode, plus a preview and a
// BlurHash) against the least any libvips-based server does with the same
// photo — one thumbnail-and-save call with metadata stripping — in the same run.
// The ratio is the price of Publius's extra guarantees.
//
//   build/media_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <vips/vips.h>

#include <string>

#include "media/image_processor.h"

namespace publius::media {
namespace {

// A phone-sized photo (4032 x 3024, 12 MP) with texture, so encoders do real work.
const std::string& photo(ImageFormat format) {
  static std::string jpeg, png, webp;
  std::string& out = format == ImageFormat::kJpeg ? jpeg : format == ImageFormat::kPng ? png : webp;
  if (!out.empty()) return out;
  VIPS_INIT("media_bench");
  VipsImage* noise = nullptr;
  VipsImage* blurred = nullptr;
  VipsImage* rgb = nullptr;
  vips_gaussnoise(&noise, 4032, 3024, "mean", 128.0, "sigma", 25.0, nullptr);
  vips_gaussblur(noise, &blurred, 3.0, nullptr);  // grain, not pure noise: compresses like a photo
  VipsImage* bands[3] = {blurred, blurred, blurred};
  vips_bandjoin(bands, &rgb, 3, nullptr);
  VipsImage* uchar = nullptr;
  vips_cast_uchar(rgb, &uchar, nullptr);
  void* buffer = nullptr;
  size_t length = 0;
  if (format == ImageFormat::kJpeg)
    vips_jpegsave_buffer(uchar, &buffer, &length, "Q", 90, nullptr);
  else if (format == ImageFormat::kPng)
    vips_pngsave_buffer(uchar, &buffer, &length, "compression", 6, nullptr);
  else
    vips_webpsave_buffer(uchar, &buffer, &length, "Q", 90, nullptr);
  out.assign(static_cast<const char*>(buffer), length);
  g_free(buffer);
  g_object_unref(uchar);
  g_object_unref(rgb);
  g_object_unref(blurred);
  g_object_unref(noise);
  return out;
}

void BM_PubliusProcessImage(benchmark::State& state) {
  const auto format = static_cast<ImageFormat>(state.range(0));
  const std::string& bytes = photo(format);
  for (auto _ : state) {
    auto processed = process_image(bytes);
    if (!processed.ok()) state.SkipWithError(processed.error().message.c_str());
    benchmark::DoNotOptimize(processed);
  }
  state.counters["input_MB"] = static_cast<double>(bytes.size()) / 1e6;
}

// Reference: libvips' own one-call thumbnail to the same stored size, saved
// with strip=true, nothing else.
void BM_ReferenceVipsThumbnailAndSave(benchmark::State& state) {
  const auto format = static_cast<ImageFormat>(state.range(0));
  const std::string& bytes = photo(format);
  vips_cache_set_max(0);
  for (auto _ : state) {
    VipsImage* thumb = nullptr;
    vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &thumb, 2048, "height",
                          2048, "size", VIPS_SIZE_DOWN, nullptr);
    void* buffer = nullptr;
    size_t length = 0;
    if (format == ImageFormat::kJpeg)
      vips_jpegsave_buffer(thumb, &buffer, &length, "Q", 85, "strip", TRUE, nullptr);
    else if (format == ImageFormat::kPng)
      vips_pngsave_buffer(thumb, &buffer, &length, "strip", TRUE, "compression", 6, nullptr);
    else
      vips_webpsave_buffer(thumb, &buffer, &length, "Q", 85, "strip", TRUE, nullptr);
    benchmark::DoNotOptimize(length);
    g_free(buffer);
    g_object_unref(thumb);
  }
}

void formats(benchmark::internal::Benchmark* b) {
  b->ArgNames({"format"});
  for (auto f : {ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp})
    b->Arg(static_cast<int>(f));
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK(BM_PubliusProcessImage)->Apply(formats);
BENCHMARK(BM_ReferenceVipsThumbnailAndSave)->Apply(formats);

}  // namespace
}  // namespace publius::media

BENCHMARK_MAIN();
