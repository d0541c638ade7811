// The Redis representation of cached records, and their key names.
//
// Values are JSON (nlohmann), with a format version so that a future layout
// never misreads an old entry, sealed before they reach Redis
// (store/record_seal.h). Key version v3: users carry "suspended" (required),
// and v2 entries, which lack it, are never read. A cached "does not exist" is
// {"v":1,"found":false}. Keys: "<prefix>:v3:user:<sha256(email) hex>" and
// "<prefix>:v3:file:<file id>". Pure functions; thread-safe.
#ifndef MEDIAGATE_RECORD_CODEC_H_
#define MEDIAGATE_RECORD_CODEC_H_

#include <optional>
#include <string>

#include "mediagate/records.h"
#include "mediagate/result.h"

namespace mediagate {

// "<prefix>:v3:", the start of every key below.
std::string CacheKeyPrefix(const std::string& prefix);
// "<prefix>:v3:user:<sha256(email) hex>"; Internal if the digest fails.
Result<std::string> UserCacheKey(const std::string& prefix, const std::string& email);
// "<prefix>:v3:file:<file id>".
std::string FileCacheKey(const std::string& prefix, const std::string& file_id);

// Encodes a found record, or "not found" when `record` is null. Returns
// nullopt if the record cannot be encoded (e.g. invalid UTF-8): do not cache.
std::optional<std::string> EncodeUser(const UserRecord* record);
std::optional<std::string> EncodeFile(const FileRecord* record);

// Decodes a cached value: kFound with the record, kMissing for a cached "not
// found", or kUnavailable when the value is corrupt or of another version.
Lookup<UserRecord> DecodeUser(const std::string& value);
Lookup<FileRecord> DecodeFile(const std::string& value);

}  // namespace mediagate

#endif  // MEDIAGATE_RECORD_CODEC_H_
