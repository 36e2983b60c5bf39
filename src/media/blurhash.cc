#include "media/blurhash.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace publius::media {
namespace {

constexpr std::string_view kBase83 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

void append_base83(int value, int digits, std::string& out) {
  int divisor = 1;
  for (int i = 1; i < digits; ++i) divisor *= 83;
  for (int i = 0; i < digits; ++i) {
    out.push_back(kBase83[(value / divisor) % 83]);
    divisor /= 83;
  }
}

double srgb_to_linear(uint8_t value) {
  const double v = value / 255.0;
  return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

// NOLINTBEGIN(bugprone-incorrect-roundings): v is clamped to [0, 1], so adding 0.5 rounds
// half up exactly as the BlurHash reference does.
int linear_to_srgb(double value) {
  const double v = std::clamp(value, 0.0, 1.0);
  if (v <= 0.0031308) return static_cast<int>(v * 12.92 * 255 + 0.5);
  return static_cast<int>((1.055 * std::pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}
// NOLINTEND(bugprone-incorrect-roundings)

double sign_pow(double value, double exponent) {
  return std::copysign(std::pow(std::abs(value), exponent), value);
}

struct Factor {
  double r = 0, g = 0, b = 0;
};

}  // namespace

std::string blurhash_encode(std::string_view rgb, int width, int height, int x_components,
                            int y_components) {
  if (x_components < 1 || x_components > 9 || y_components < 1 || y_components > 9 || width < 1 ||
      height < 1 || rgb.size() != static_cast<size_t>(width) * static_cast<size_t>(height) * 3)
    return "";
  // Linearize once: the basis loop below visits every pixel per component.
  std::vector<double> linear(rgb.size());
  for (size_t i = 0; i < rgb.size(); ++i) linear[i] = srgb_to_linear(static_cast<uint8_t>(rgb[i]));

  std::vector<Factor> factors;
  for (int j = 0; j < y_components; ++j) {
    for (int i = 0; i < x_components; ++i) {
      const double normalisation = (i == 0 && j == 0) ? 1.0 : 2.0;
      Factor f;
      for (int y = 0; y < height; ++y) {
        const double basis_y = std::cos(std::numbers::pi * j * y / height);
        for (int x = 0; x < width; ++x) {
          const double basis = std::cos(std::numbers::pi * i * x / width) * basis_y;
          const size_t p = (static_cast<size_t>(y) * width + x) * 3;
          f.r += basis * linear[p];
          f.g += basis * linear[p + 1];
          f.b += basis * linear[p + 2];
        }
      }
      const double scale = normalisation / (static_cast<double>(width) * height);
      factors.push_back({f.r * scale, f.g * scale, f.b * scale});
    }
  }

  std::string out;
  append_base83((x_components - 1) + (y_components - 1) * 9, 1, out);
  double maximum = 1;
  if (factors.size() > 1) {
    double actual_max = 0;
    for (size_t k = 1; k < factors.size(); ++k)
      actual_max = std::max(
          {actual_max, std::abs(factors[k].r), std::abs(factors[k].g), std::abs(factors[k].b)});
    const int quantised = std::clamp(static_cast<int>(std::floor(actual_max * 166 - 0.5)), 0, 82);
    maximum = (quantised + 1) / 166.0;
    append_base83(quantised, 1, out);
  } else {
    append_base83(0, 1, out);
  }
  const Factor& dc = factors.front();
  append_base83((linear_to_srgb(dc.r) << 16) + (linear_to_srgb(dc.g) << 8) + linear_to_srgb(dc.b),
                4, out);
  auto quantise_ac = [&](double v) {
    return std::clamp(static_cast<int>(std::floor(sign_pow(v / maximum, 0.5) * 9 + 9.5)), 0, 18);
  };
  for (size_t k = 1; k < factors.size(); ++k) {
    const Factor& f = factors[k];
    append_base83(quantise_ac(f.r) * 19 * 19 + quantise_ac(f.g) * 19 + quantise_ac(f.b), 2, out);
  }
  return out;
}

}  // namespace publius::media
