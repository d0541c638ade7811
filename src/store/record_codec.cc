// Record JSON encoding (nlohmann::json); exceptions stop here.
#include "store/record_codec.h"

#include <nlohmann/json.hpp>

#include "base/crypto.h"

namespace mediagate {
namespace {

using nlohmann::json;
constexpr int kFormat = 1;

std::optional<std::string> Dump(const json& j) {
  try {
    return j.dump();
  } catch (const json::exception&) {
    return std::nullopt;  // e.g. invalid UTF-8 in a field
  }
}

// Parses and checks the envelope; *found tells which kind of entry it is.
std::optional<json> Envelope(const std::string& value, bool* found) {
  try {
    // No exception for text that is not JSON at all (the common corrupt case).
    json j = json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object() || j.value("v", 0) != kFormat || !j.contains("found") ||
        !j["found"].is_boolean()) {
      return std::nullopt;
    }
    *found = j["found"].get<bool>();
    return j;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

// The cached lookup in `value`: Found with read(fields) for a found entry,
// Missing for a cached "not found", Unavailable when the entry is corrupt.
template <typename T, typename Read>
Lookup<T> Decode(const std::string& value, Read read) {
  bool found = false;
  auto j = Envelope(value, &found);
  if (!j) return Lookup<T>::Unavailable("corrupt cache entry");
  if (!found) return Lookup<T>::Missing();
  try {
    return Lookup<T>::Found(read(*j));
  } catch (const json::exception&) {
    return Lookup<T>::Unavailable("corrupt cache entry");
  }
}

}  // namespace

std::string CacheKeyPrefix(const std::string& prefix) { return prefix + ":v3:"; }

Result<std::string> UserCacheKey(const std::string& prefix, const std::string& email) {
  auto digest = Digest(HashAlgorithm::kSha256, email);
  if (!digest.ok()) return digest.status().Annotate("cache key");
  return CacheKeyPrefix(prefix) + "user:" + HexEncode(*digest);
}

std::string FileCacheKey(const std::string& prefix, const std::string& file_id) {
  return CacheKeyPrefix(prefix) + "file:" + file_id;
}

std::optional<std::string> EncodeUser(const UserRecord* record) {
  json j = {{"v", kFormat}, {"found", record != nullptr}};
  if (record != nullptr) {
    j["fields"] = json::object();
    for (const auto& [name, value] : record->fields) j["fields"][name] = value;
    j["status"] = record->status;
    if (record->paid_until) j["paid_until"] = *record->paid_until;
    j["suspended"] = record->suspended;
  }
  return Dump(j);
}

std::optional<std::string> EncodeFile(const FileRecord* record) {
  json j = {{"v", kFormat}, {"found", record != nullptr}};
  if (record != nullptr) {
    j["object_key"] = record->object_key;
    j["version"] = record->version;
    if (record->public_at) j["public_at"] = *record->public_at;
  }
  return Dump(j);
}

Lookup<UserRecord> DecodeUser(const std::string& value) {
  return Decode<UserRecord>(value, [](const json& j) {
    UserRecord r;
    for (const auto& [name, v] : j.at("fields").items()) r.fields[name] = v.get<std::string>();
    r.status = j.at("status").get<std::string>();
    if (j.contains("paid_until")) r.paid_until = j.at("paid_until").get<int64_t>();
    r.suspended = j.at("suspended").get<bool>();  // required: absent is corrupt
    return r;
  });
}

Lookup<FileRecord> DecodeFile(const std::string& value) {
  return Decode<FileRecord>(value, [](const json& j) {
    FileRecord r{j.at("object_key").get<std::string>(), j.at("version").get<std::string>()};
    if (j.contains("public_at")) r.public_at = j.at("public_at").get<int64_t>();
    return r;
  });
}

}  // namespace mediagate
