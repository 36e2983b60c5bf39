#include "domain/model.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <utility>

#include "domain/filters.h"
#include "util/name_table.h"

namespace publius::domain {

StoreRevision StoreRevision::fresh() {
  static std::atomic<uint64_t> last{0};
  StoreRevision r;
  r.value_ = last.fetch_add(1, std::memory_order_relaxed) + 1;
  return r;
}
namespace {

constexpr std::array<std::pair<FilterContext, std::string_view>, 5> kFilterContexts{{
    {kFilterHome, "home"},
    {kFilterNotifications, "notifications"},
    {kFilterPublic, "public"},
    {kFilterThread, "thread"},
    {kFilterAccount, "account"},
}};

constexpr std::array<std::pair<FilterAction, std::string_view>, 2> kFilterActions{{
    {FilterAction::kWarn, "warn"},
    {FilterAction::kHide, "hide"},
}};

constexpr std::array<std::pair<Visibility, std::string_view>, 4> kVisibilities{{
    {Visibility::kPublic, "public"},
    {Visibility::kUnlisted, "unlisted"},
    {Visibility::kPrivate, "private"},
    {Visibility::kDirect, "direct"},
}};
constexpr std::array<std::pair<Role, std::string_view>, 2> kRoles{{
    {Role::kUser, "user"},
    {Role::kAdmin, "admin"},
}};
constexpr std::array<std::pair<NotificationType, std::string_view>, 8> kNotificationTypes{{
    {NotificationType::kMention, "mention"},
    {NotificationType::kStatus, "status"},
    {NotificationType::kReblog, "reblog"},
    {NotificationType::kFollow, "follow"},
    {NotificationType::kFollowRequest, "follow_request"},
    {NotificationType::kFavourite, "favourite"},
    {NotificationType::kUpdate, "update"},
    {NotificationType::kPoll, "poll"},
}};
constexpr std::array<std::pair<PolicyAction, std::string_view>, 3> kPolicyActions{{
    {PolicyAction::kAccept, "accept"},
    {PolicyAction::kFilter, "filter"},
    {PolicyAction::kDrop, "drop"},
}};
constexpr std::array<std::pair<ReportCategory, std::string_view>, 4> kReportCategories{{
    {ReportCategory::kOther, "other"},
    {ReportCategory::kSpam, "spam"},
    {ReportCategory::kLegal, "legal"},
    {ReportCategory::kViolation, "violation"},
}};
constexpr std::array<std::pair<RepliesPolicy, std::string_view>, 3> kRepliesPolicies{{
    {RepliesPolicy::kFollowed, "followed"},
    {RepliesPolicy::kList, "list"},
    {RepliesPolicy::kNone, "none"},
}};
// ISO 639-1 with the English names, sorted by code for binary search.
constexpr std::array<Language, 183> kLanguages{{
    {"aa", "Afar"},
    {"ab", "Abkhazian"},
    {"ae", "Avestan"},
    {"af", "Afrikaans"},
    {"ak", "Akan"},
    {"am", "Amharic"},
    {"an", "Aragonese"},
    {"ar", "Arabic"},
    {"as", "Assamese"},
    {"av", "Avaric"},
    {"ay", "Aymara"},
    {"az", "Azerbaijani"},
    {"ba", "Bashkir"},
    {"be", "Belarusian"},
    {"bg", "Bulgarian"},
    {"bi", "Bislama"},
    {"bm", "Bambara"},
    {"bn", "Bengali"},
    {"bo", "Tibetan"},
    {"br", "Breton"},
    {"bs", "Bosnian"},
    {"ca", "Catalan"},
    {"ce", "Chechen"},
    {"ch", "Chamorro"},
    {"co", "Corsican"},
    {"cr", "Cree"},
    {"cs", "Czech"},
    {"cu", "Church Slavic"},
    {"cv", "Chuvash"},
    {"cy", "Welsh"},
    {"da", "Danish"},
    {"de", "German"},
    {"dv", "Divehi"},
    {"dz", "Dzongkha"},
    {"ee", "Ewe"},
    {"el", "Greek"},
    {"en", "English"},
    {"eo", "Esperanto"},
    {"es", "Spanish"},
    {"et", "Estonian"},
    {"eu", "Basque"},
    {"fa", "Persian"},
    {"ff", "Fulah"},
    {"fi", "Finnish"},
    {"fj", "Fijian"},
    {"fo", "Faroese"},
    {"fr", "French"},
    {"fy", "Western Frisian"},
    {"ga", "Irish"},
    {"gd", "Scottish Gaelic"},
    {"gl", "Galician"},
    {"gn", "Guarani"},
    {"gu", "Gujarati"},
    {"gv", "Manx"},
    {"ha", "Hausa"},
    {"he", "Hebrew"},
    {"hi", "Hindi"},
    {"ho", "Hiri Motu"},
    {"hr", "Croatian"},
    {"ht", "Haitian"},
    {"hu", "Hungarian"},
    {"hy", "Armenian"},
    {"hz", "Herero"},
    {"ia", "Interlingua"},
    {"id", "Indonesian"},
    {"ie", "Interlingue"},
    {"ig", "Igbo"},
    {"ii", "Sichuan Yi"},
    {"ik", "Inupiaq"},
    {"io", "Ido"},
    {"is", "Icelandic"},
    {"it", "Italian"},
    {"iu", "Inuktitut"},
    {"ja", "Japanese"},
    {"jv", "Javanese"},
    {"ka", "Georgian"},
    {"kg", "Kongo"},
    {"ki", "Kikuyu"},
    {"kj", "Kuanyama"},
    {"kk", "Kazakh"},
    {"kl", "Kalaallisut"},
    {"km", "Khmer"},
    {"kn", "Kannada"},
    {"ko", "Korean"},
    {"kr", "Kanuri"},
    {"ks", "Kashmiri"},
    {"ku", "Kurdish"},
    {"kv", "Komi"},
    {"kw", "Cornish"},
    {"ky", "Kyrgyz"},
    {"la", "Latin"},
    {"lb", "Luxembourgish"},
    {"lg", "Ganda"},
    {"li", "Limburgish"},
    {"ln", "Lingala"},
    {"lo", "Lao"},
    {"lt", "Lithuanian"},
    {"lu", "Luba-Katanga"},
    {"lv", "Latvian"},
    {"mg", "Malagasy"},
    {"mh", "Marshallese"},
    {"mi", "Maori"},
    {"mk", "Macedonian"},
    {"ml", "Malayalam"},
    {"mn", "Mongolian"},
    {"mr", "Marathi"},
    {"ms", "Malay"},
    {"mt", "Maltese"},
    {"my", "Burmese"},
    {"na", "Nauru"},
    {"nb", "Norwegian Bokmål"},
    {"nd", "North Ndebele"},
    {"ne", "Nepali"},
    {"ng", "Ndonga"},
    {"nl", "Dutch"},
    {"nn", "Norwegian Nynorsk"},
    {"no", "Norwegian"},
    {"nr", "South Ndebele"},
    {"nv", "Navajo"},
    {"ny", "Chichewa"},
    {"oc", "Occitan"},
    {"oj", "Ojibwa"},
    {"om", "Oromo"},
    {"or", "Oriya"},
    {"os", "Ossetian"},
    {"pa", "Punjabi"},
    {"pi", "Pali"},
    {"pl", "Polish"},
    {"ps", "Pashto"},
    {"pt", "Portuguese"},
    {"qu", "Quechua"},
    {"rm", "Romansh"},
    {"rn", "Kirundi"},
    {"ro", "Romanian"},
    {"ru", "Russian"},
    {"rw", "Kinyarwanda"},
    {"sa", "Sanskrit"},
    {"sc", "Sardinian"},
    {"sd", "Sindhi"},
    {"se", "Northern Sami"},
    {"sg", "Sango"},
    {"si", "Sinhala"},
    {"sk", "Slovak"},
    {"sl", "Slovenian"},
    {"sm", "Samoan"},
    {"sn", "Shona"},
    {"so", "Somali"},
    {"sq", "Albanian"},
    {"sr", "Serbian"},
    {"ss", "Swati"},
    {"st", "Southern Sotho"},
    {"su", "Sundanese"},
    {"sv", "Swedish"},
    {"sw", "Swahili"},
    {"ta", "Tamil"},
    {"te", "Telugu"},
    {"tg", "Tajik"},
    {"th", "Thai"},
    {"ti", "Tigrinya"},
    {"tk", "Turkmen"},
    {"tl", "Tagalog"},
    {"tn", "Tswana"},
    {"to", "Tonga"},
    {"tr", "Turkish"},
    {"ts", "Tsonga"},
    {"tt", "Tatar"},
    {"tw", "Twi"},
    {"ty", "Tahitian"},
    {"ug", "Uyghur"},
    {"uk", "Ukrainian"},
    {"ur", "Urdu"},
    {"uz", "Uzbek"},
    {"ve", "Venda"},
    {"vi", "Vietnamese"},
    {"vo", "Volapük"},
    {"wa", "Walloon"},
    {"wo", "Wolof"},
    {"xh", "Xhosa"},
    {"yi", "Yiddish"},
    {"yo", "Yoruba"},
    {"za", "Zhuang"},
    {"zh", "Chinese"},
    {"zu", "Zulu"},
}};
}  // namespace

bool is_language_code(std::string_view code) {
  return std::binary_search(kLanguages.begin(), kLanguages.end(), Language{code, {}},
                            [](const Language& a, const Language& b) { return a.code < b.code; });
}

std::span<const Language> languages() { return kLanguages; }

std::string_view visibility_name(Visibility v) { return name_of(kVisibilities, v); }
std::optional<Visibility> parse_visibility(std::string_view n) {
  return find_by_name(kVisibilities, n);
}
const std::vector<Visibility>& visibilities_in_clear() {
  static const std::vector<Visibility> kInClear = {Visibility::kPublic, Visibility::kUnlisted,
                                                   Visibility::kPrivate};
  return kInClear;
}
std::string_view replies_policy_name(RepliesPolicy p) { return name_of(kRepliesPolicies, p); }
std::optional<RepliesPolicy> parse_replies_policy(std::string_view n) {
  return find_by_name(kRepliesPolicies, n);
}
std::string_view report_category_name(ReportCategory c) { return name_of(kReportCategories, c); }
std::optional<ReportCategory> parse_report_category(std::string_view n) {
  return find_by_name(kReportCategories, n);
}
std::string_view role_name(Role r) { return name_of(kRoles, r); }
std::optional<Role> parse_role(std::string_view n) { return find_by_name(kRoles, n); }
std::string_view notification_type_name(NotificationType t) {
  return name_of(kNotificationTypes, t);
}
std::optional<NotificationType> parse_notification_type(std::string_view n) {
  return find_by_name(kNotificationTypes, n);
}
std::string_view policy_action_name(PolicyAction a) { return name_of(kPolicyActions, a); }
std::optional<PolicyAction> parse_policy_action(std::string_view n) {
  return find_by_name(kPolicyActions, n);
}

std::vector<std::string_view> filter_context_names(uint8_t contexts) {
  std::vector<std::string_view> names;
  for (const auto& [bit, name] : kFilterContexts)
    if (contexts & bit) names.push_back(name);
  return names;
}
std::optional<FilterContext> parse_filter_context(std::string_view n) {
  return find_by_name(kFilterContexts, n);
}
std::string_view filter_action_name(FilterAction a) { return name_of(kFilterActions, a); }
std::optional<FilterAction> parse_filter_action(std::string_view n) {
  return find_by_name(kFilterActions, n);
}
std::vector<std::string> poll_titles(const Poll& poll) {
  std::vector<std::string> titles;
  for (const auto& o : poll.options) titles.push_back(o.title);
  return titles;
}

std::vector<std::string> media_file_names(const std::vector<MediaAttachment>& media) {
  std::vector<std::string> names;
  for (const auto& m : media) {
    names.push_back(m.file_name());
    names.push_back(m.small_file_name());
  }
  return names;
}

}  // namespace publius::domain
