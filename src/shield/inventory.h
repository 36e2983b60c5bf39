// The disclosure inventory: every datum the server holds about one account,
// grouped by kind (public, non-public content, sealed content, timestamps,
// secrets-as-hashes), and for each category a legal demand can name whether
// anything of it exists and exactly what. The legal desk answers "what can we
// produce" from the same report, so the operator and the desk never disagree.
//
// DisclosureInventory is the interface the desk depends on; StoreDisclosureInventory
// reads it from a store::Store (not owned; must outlive it). Thread-safe when the
// store is. Errors: kNotFound for an unknown account, storage errors as the store
// reports them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "util/result.h"

namespace publius::shield {

// The categories a demand may name, in the order reports list them.
const std::vector<std::string>& demand_category_names();
bool is_demand_category(std::string_view name);

struct InventoryItem {
  std::string name;    // e.g. "public_posts"
  int64_t count = 0;   // how many such data exist (1/0 for single values)
  std::string detail;  // what exactly, in plain words; never a secret's value
};

struct InventoryGroup {
  std::string
      name;  // public | non_public_content | sealed_content | timestamps | secrets_as_hashes
  std::vector<InventoryItem> items;
};

struct CategoryHolding {
  std::string category;  // one of demand_category_names()
  bool held = false;     // whether anything responsive exists
  std::string what;      // what exactly is held, or why nothing is
};

struct AccountInventory {
  store::AccountInventoryCounts counts;
  std::vector<InventoryGroup> groups;
  std::vector<CategoryHolding> categories;
  // The holding for a demand category; nullptr for an unknown name.
  const CategoryHolding* holding(std::string_view category) const;
};

class DisclosureInventory {
 public:
  virtual ~DisclosureInventory() = default;
  virtual Result<AccountInventory> for_account(int64_t account_id) = 0;
  // A local username, or user@host for an account of another server, with or without a
  // leading '@'; kNotFound when no such account is held.
  virtual Result<AccountInventory> for_username(std::string_view username) = 0;
};

class StoreDisclosureInventory final : public DisclosureInventory {
 public:
  explicit StoreDisclosureInventory(store::Store& store) : store_(store) {}
  Result<AccountInventory> for_account(int64_t account_id) override;
  Result<AccountInventory> for_username(std::string_view username) override;

 private:
  store::Store& store_;
};

// Builds the report from raw counts (pure; exposed for tests and other stores). An account
// of another server (counts.remote) gets its own report: what its server published and
// what reached this one, none of a local account's records.
AccountInventory build_inventory(const store::AccountInventoryCounts& counts);

// {"account": ..., "groups": {...}, "demand_categories": {...}}.
std::string inventory_to_json(const AccountInventory& inventory);
// Human-readable text grouped by category, for the CLI.
std::string inventory_to_text(const AccountInventory& inventory);

}  // namespace publius::shield
