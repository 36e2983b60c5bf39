#include "web/html.h"

namespace publius::web {

Html& Html::open(std::string_view tag, std::initializer_list<Attr> attrs) {
  out_ += '<';
  out_ += tag;
  for (const auto& a : attrs) {
    if (!a.present) continue;
    out_ += ' ';
    out_ += a.name;
    if (!a.boolean) {
      out_ += "=\"";
      append_escaped(out_, a.value);
      out_ += '"';
    }
  }
  out_ += '>';
  return *this;
}

Html& Html::close(std::string_view tag) {
  out_ += "</";
  out_ += tag;
  out_ += '>';
  return *this;
}

Html& Html::element(std::string_view tag, std::string_view text,
                    std::initializer_list<Attr> attrs) {
  open(tag, attrs);
  append_escaped(out_, text);
  return close(tag);
}

Html& Html::text(std::string_view s) {
  append_escaped(out_, s);
  return *this;
}

Html& Html::raw(std::string_view trusted_markup) {
  out_ += trusted_markup;
  return *this;
}

std::string safe_local_path(std::string_view candidate, std::string_view fallback) {
  if (candidate.empty() || candidate.front() != '/' || candidate.size() > 2000)
    return std::string(fallback);
  if (candidate.size() > 1 && (candidate[1] == '/' || candidate[1] == '\\'))
    return std::string(fallback);
  for (unsigned char c : candidate)
    if (c < 0x20 || c == 0x7f || c == '\\') return std::string(fallback);
  return std::string(candidate);
}

}  // namespace publius::web
