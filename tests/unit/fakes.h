// Fakes of the backend interfaces for unit tests: records, directory, cache
// and clock held in memory, each counting how often it was asked, so tests
// can assert both answers and which backends a decision touched. Not
// thread-safe; one per test.
#ifndef MEDIAGATE_TESTS_UNIT_FAKES_H_
#define MEDIAGATE_TESTS_UNIT_FAKES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mediagate/backends.h"
#include "mediagate/decider.h"
#include "mediagate/records.h"
#include "mediagate/status.h"

namespace mediagate {

// A RecordLookup over two maps; ids absent from a map are Missing.
class FakeRecordLookup : public RecordLookup {
 public:
  Lookup<UserRecord> User(const std::string& email) override {
    ++user_calls;
    auto it = users.find(email);
    return it == users.end() ? Lookup<UserRecord>::Missing() : it->second;
  }
  Lookup<FileRecord> File(const std::string& file_id) override {
    ++file_calls;
    auto it = files.find(file_id);
    return it == files.end() ? Lookup<FileRecord>::Missing() : it->second;
  }

  std::map<std::string, Lookup<UserRecord>> users;
  std::map<std::string, Lookup<FileRecord>> files;
  int user_calls = 0;
  int file_calls = 0;
};

// A Directory over two maps; with `down` set every query is Unavailable.
class FakeDirectory : public Directory {
 public:
  Lookup<UserRecord> FindUser(const std::string& key) override {
    ++user_calls;
    if (down) return Lookup<UserRecord>::Unavailable("fake directory down");
    auto it = users.find(key);
    return it == users.end() ? Lookup<UserRecord>::Missing()
                             : Lookup<UserRecord>::Found(it->second);
  }
  Lookup<FileRecord> FindFile(const std::string& file_id) override {
    ++file_calls;
    if (down) return Lookup<FileRecord>::Unavailable("fake directory down");
    auto it = files.find(file_id);
    return it == files.end() ? Lookup<FileRecord>::Missing()
                             : Lookup<FileRecord>::Found(it->second);
  }
  bool Ping() override {
    ++ping_calls;
    return !down;
  }

  std::map<std::string, UserRecord> users;
  std::map<std::string, FileRecord> files;
  bool down = false;
  int user_calls = 0;
  int file_calls = 0;
  int ping_calls = 0;
};

// An in-memory KeyValueCache without expiry; with `error` set every call
// fails. Every Set is recorded, including its TTL.
class FakeCache : public KeyValueCache {
 public:
  struct SetCall {
    std::string key;
    std::string value;
    int64_t ttl_seconds;
  };

  GetState Get(const std::string& key, std::string* value) override {
    ++get_calls;
    if (error) return GetState::kError;
    auto it = entries.find(key);
    if (it == entries.end()) return GetState::kMiss;
    *value = it->second;
    return GetState::kHit;
  }
  bool Set(const std::string& key, const std::string& value,
           int64_t ttl_seconds) override {
    sets.push_back(SetCall{key, value, ttl_seconds});
    if (error) return false;
    entries[key] = value;
    return true;
  }
  Status Delete(const std::vector<std::string>& keys,
                int64_t* removed) override {
    if (error) return Status::Unavailable("fake cache down");
    *removed = 0;
    for (const std::string& key : keys) *removed += entries.erase(key);
    return Status::Ok();
  }

  std::map<std::string, std::string> entries;
  std::vector<SetCall> sets;
  bool error = false;
  int get_calls = 0;
};

// A Clock that returns `now` until a test moves it.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start) : now(start) {}
  int64_t NowUnix() override { return now; }
  int64_t now;
};

}  // namespace mediagate

#endif  // MEDIAGATE_TESTS_UNIT_FAKES_H_
