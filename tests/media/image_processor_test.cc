#include "media/image_processor.h"

#include <gtest/gtest.h>
#include <vips/vips.h>

#include <chrono>

#include "media/blurhash.h"
#include "support/images.h"

namespace publius::media {
namespace {

using testing::metadata_needles;
using testing::photo_with_metadata;
using testing::plain_image;

std::string format_name(ImageFormat f) { return std::string(file_extension(f)); }

// Metadata fields libvips finds when it loads `bytes` again: what any reader of
// the file would find, however it is encoded.
std::vector<std::string> metadata_fields(const std::string& bytes) {
  testing::image_detail::init_vips();
  std::vector<std::string> out;
  VipsImage* image = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
  if (!image) {
    vips_error_clear();
    out.push_back("<undecodable>");
    return out;
  }
  gchar** fields = vips_image_get_fields(image);
  for (gchar** f = fields; *f; ++f) {
    std::string name(*f);
    if (name.starts_with("exif-") || name.starts_with("xmp-") || name.starts_with("iptc-") ||
        name.starts_with("icc-") || name.starts_with("png-comment") ||
        name.starts_with("gif-comment") || name.starts_with("jpeg-thumbnail") ||
        name.starts_with("orientation"))
      out.push_back(name);
  }
  g_strfreev(fields);
  g_object_unref(image);
  return out;
}

class StripTest : public ::testing::TestWithParam<ImageFormat> {};

TEST_P(StripTest, NeedlesInTheInputAreAbsentFromEveryOutput) {
  const std::string photo = photo_with_metadata(GetParam());
  ASSERT_FALSE(photo.empty());
  for (auto needle : metadata_needles(GetParam()))
    ASSERT_NE(photo.find(needle), std::string::npos) << "input lacks " << needle;
  auto processed = process_image(photo);
  ASSERT_TRUE(processed.ok()) << processed.error().message;
  for (const auto* out : {&processed->original.bytes, &processed->preview.bytes}) {
    EXPECT_FALSE(out->empty());
    EXPECT_EQ(testing::first_needle_in(*out), "");
  }
}

TEST_P(StripTest, ReloadedOutputHasNoMetadataFields) {
  const std::string photo = photo_with_metadata(GetParam());
  // The input's own fields prove the check below can see metadata at all
  // (libvips reports no fields for GIF comments; the needle test covers GIF).
  if (GetParam() != ImageFormat::kGif) {
    EXPECT_FALSE(metadata_fields(photo).empty());
  }
  auto processed = process_image(photo);
  ASSERT_TRUE(processed.ok()) << processed.error().message;
  EXPECT_EQ(metadata_fields(processed->original.bytes), std::vector<std::string>());
  EXPECT_EQ(metadata_fields(processed->preview.bytes), std::vector<std::string>());
}

TEST_P(StripTest, KeepsDimensionsOfSmallImages) {
  auto processed = process_image(plain_image(GetParam(), 64, 48));
  ASSERT_TRUE(processed.ok()) << processed.error().message;
  EXPECT_EQ(processed->original.width, 64);
  EXPECT_EQ(processed->original.height, 48);
  EXPECT_EQ(processed->blurhash.size(), 28u);
  const ImageFormat expected = GetParam() == ImageFormat::kGif ? ImageFormat::kPng : GetParam();
  EXPECT_EQ(processed->format, expected);
  EXPECT_EQ(sniff_image_format(processed->original.bytes), expected);
}

// Avatars and headers: the same stripping, at the exact size asked for.
TEST_P(StripTest, CroppedOutputHasNoNeedlesOrMetadataFields) {
  const std::string photo = photo_with_metadata(GetParam());
  for (auto needle : metadata_needles(GetParam()))
    ASSERT_NE(photo.find(needle), std::string::npos) << "input lacks " << needle;
  auto cropped = process_cropped_image(photo, 400, 400);
  ASSERT_TRUE(cropped.ok()) << cropped.error().message;
  EXPECT_EQ(testing::first_needle_in(cropped->image.bytes), "");
  EXPECT_EQ(metadata_fields(cropped->image.bytes), std::vector<std::string>());
  const ImageFormat expected = GetParam() == ImageFormat::kGif ? ImageFormat::kPng : GetParam();
  EXPECT_EQ(cropped->format, expected);
  EXPECT_EQ(sniff_image_format(cropped->image.bytes), expected);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, StripTest,
                         ::testing::Values(ImageFormat::kJpeg, ImageFormat::kPng,
                                           ImageFormat::kWebp, ImageFormat::kGif),
                         [](const auto& info) { return format_name(info.param); });

TEST(ImageProcessorTest, AppliesExifOrientationBeforeStripping) {
  // Orientation 6: the stored pixels are a 40x20 landscape shown turned clockwise.
  auto processed = process_image(photo_with_metadata(ImageFormat::kJpeg, 40, 20, 6));
  ASSERT_TRUE(processed.ok()) << processed.error().message;
  EXPECT_EQ(processed->original.width, 20);
  EXPECT_EQ(processed->original.height, 40);
  auto upright = process_image(photo_with_metadata(ImageFormat::kJpeg, 40, 20, 1));
  ASSERT_TRUE(upright.ok());
  EXPECT_EQ(upright->original.width, 40);
}

TEST(ImageProcessorTest, ShrinksLargeImagesAndMakesAPreview) {
  auto processed = process_image(plain_image(ImageFormat::kPng, 3000, 1000));
  ASSERT_TRUE(processed.ok()) << processed.error().message;
  EXPECT_EQ(processed->original.width, 2048);
  EXPECT_NEAR(processed->original.height, 683, 1);
  EXPECT_EQ(processed->preview.width, 480);
  EXPECT_NEAR(processed->preview.height, 160, 1);
}

TEST(ImageProcessorTest, CropsToExactlyTheSizeAskedFor) {
  struct Case {
    int in_width, in_height, out_width, out_height;
  };
  // Wider, taller and smaller (enlarged) than the box, for both shapes.
  for (const Case& c : {Case{3000, 1000, 400, 400}, Case{300, 900, 400, 400},
                        Case{64, 48, 1500, 500}, Case{2000, 2000, 1500, 500}}) {
    auto cropped = process_cropped_image(plain_image(ImageFormat::kPng, c.in_width, c.in_height),
                                         c.out_width, c.out_height);
    ASSERT_TRUE(cropped.ok()) << cropped.error().message;
    EXPECT_EQ(cropped->image.width, c.out_width) << c.in_width << "x" << c.in_height;
    EXPECT_EQ(cropped->image.height, c.out_height) << c.in_width << "x" << c.in_height;
  }
}

// A PNG whose header claims width x height pixels, with almost no data.
std::string png_claiming(uint32_t width, uint32_t height) {
  using namespace testing::image_detail;
  std::string ihdr;
  put32be(ihdr, width);
  put32be(ihdr, height);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1A\n", 8) + png_chunk("IHDR", ihdr) +
         png_chunk("IDAT", std::string("\x78\x9C\x03\x00\x00\x00\x00\x01", 8)) +
         png_chunk("IEND", "");
}

TEST(ImageProcessorTest, CroppingRefusesWhatProcessingRefuses) {
  const std::string image = plain_image(ImageFormat::kPng, 400, 400);
  ImageLimits limits;
  limits.max_bytes = image.size() - 1;
  for (const auto& [bytes, limit] :
       std::vector<std::pair<std::string, ImageLimits>>{{image, limits},
                                                        {"not an image at all", {}},
                                                        {"", {}},
                                                        {png_claiming(7000, 7000), {}}}) {
    auto cropped = process_cropped_image(bytes, 400, 400, limit);
    ASSERT_FALSE(cropped.ok());
    EXPECT_EQ(cropped.error().code, ErrorCode::kUnprocessable);
  }
}

TEST(ImageProcessorTest, RefusesDecompressionBombsFromTheHeader) {
  const auto start = std::chrono::steady_clock::now();
  auto bomb = process_image(png_claiming(100000, 100000));
  ASSERT_FALSE(bomb.ok());
  EXPECT_EQ(bomb.error().code, ErrorCode::kUnprocessable);
  EXPECT_NE(bomb.error().message.find("too large"), std::string::npos) << bomb.error().message;
  // 7000 x 7000 is under the side limit but over 40 megapixels.
  auto wide = process_image(png_claiming(7000, 7000));
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.error().message.find("megapixels"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(ImageProcessorTest, RefusesWhatIsNotAnAcceptedImage) {
  for (std::string_view garbage :
       {std::string_view("hello world"), std::string_view("%PDF-1.4\n1 0 obj"),
        std::string_view("<svg xmlns='http://www.w3.org/2000/svg'/>"),
        std::string_view("\xFF\xD8\xFF\xE0garbage after a JPEG signature"),
        std::string_view("\x89PNG\r\n\x1A\nnot really")}) {
    auto r = process_image(garbage);
    ASSERT_FALSE(r.ok()) << garbage;
    EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable) << garbage;
  }
  auto empty = process_image("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kUnprocessable);
}

TEST(ImageProcessorTest, RefusesTruncatedImages) {
  const std::string jpeg = plain_image(ImageFormat::kJpeg, 200, 200);
  auto r = process_image(std::string_view(jpeg).substr(0, jpeg.size() / 2));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
}

TEST(ImageProcessorTest, RefusesFilesOverTheByteLimit) {
  ImageLimits limits;
  limits.max_bytes = 100;
  auto r = process_image(plain_image(ImageFormat::kPng), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
}

TEST(ImageProcessorTest, SniffsFormatsBySignatureOnly) {
  EXPECT_EQ(sniff_image_format(plain_image(ImageFormat::kJpeg)), ImageFormat::kJpeg);
  EXPECT_EQ(sniff_image_format(plain_image(ImageFormat::kPng)), ImageFormat::kPng);
  EXPECT_EQ(sniff_image_format(plain_image(ImageFormat::kWebp)), ImageFormat::kWebp);
  EXPECT_EQ(sniff_image_format(plain_image(ImageFormat::kGif)), ImageFormat::kGif);
  EXPECT_EQ(sniff_image_format("BM...."), std::nullopt);
}

// Known answers worked out by hand from the algorithm description.
TEST(BlurhashTest, KnownAnswers) {
  // One component: size flag 0, max 0, and the DC term is the colour itself,
  // 0xFF0000 = 16711680 = 29*83^3 + 18*83^2 + 70*83 + 45 -> "TI:j".
  std::string red;
  for (int i = 0; i < 16; ++i) red += std::string("\xFF\x00\x00", 3);
  EXPECT_EQ(blurhash_encode(red, 4, 4, 1, 1), "00TI:j");
  // A white pixel beside a black one, 2 x 1 components: the DC term is linear
  // 0.5 (sRGB 188 = 0xBC, 12369084 -> "Lqe9"); the AC term is 1.0 per channel,
  // so the max quantizes to 82 ("~", maximum 0.5) and each channel to 18
  // (18*361 + 18*19 + 18 = 6858 -> "~q"); size flag (2-1) + 0*9 = 1.
  const std::string white_black("\xFF\xFF\xFF\x00\x00\x00", 6);
  EXPECT_EQ(blurhash_encode(white_black, 2, 1, 2, 1), "1~Lqe9~q");
}

TEST(BlurhashTest, VariesWithContentAndRejectsBadArguments) {
  std::string half;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) half += x < 4 ? std::string("\0\0\0", 3) : "\xFF\xFF\xFF";
  const std::string hash = blurhash_encode(half, 8, 8);
  EXPECT_EQ(hash.size(), 28u);
  EXPECT_NE(hash.substr(6), std::string(22, 'f').replace(1, 1, "Q"));
  EXPECT_NE(hash[1], '0');  // AC energy present
  EXPECT_EQ(blurhash_encode(half, 8, 8, 0, 3), "");
  EXPECT_EQ(blurhash_encode(half, 7, 8), "");
}

}  // namespace
}  // namespace publius::media
