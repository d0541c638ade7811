// Fakes of the backend interfaces for unit tests: record store, cache and clock
// held in memory, each counting how often it was asked, so tests
// can assert both answers and which backends a decision touched. Not
// thread-safe; one per test.
#ifndef MEDIAGATE_TESTS_UNIT_FAKES_H_
#define MEDIAGATE_TESTS_UNIT_FAKES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mediagate/clock.h"
#include "mediagate/record_store.h"
#include "mediagate/records.h"
#include "mediagate/status.h"
#include "store/key_value_cache.h"

namespace mediagate {

// A RecordStore over two maps of lookups; ids absent from a map are
// Missing, and with `down` set every query is Unavailable.
class FakeRecordStore : public RecordStore {
 public:
  Lookup<UserRecord> FindUser(const std::string& email) override {
    return Find(users, email, &user_calls);
  }
  Lookup<FileRecord> FindFile(const std::string& file_id) override {
    return Find(files, file_id, &file_calls);
  }
  bool Ping() override {
    ++ping_calls;
    return !down;
  }

  std::map<std::string, Lookup<UserRecord>> users;
  std::map<std::string, Lookup<FileRecord>> files;
  bool down = false;
  int user_calls = 0;
  int file_calls = 0;
  int ping_calls = 0;

 private:
  template <typename T>
  Lookup<T> Find(const std::map<std::string, Lookup<T>>& map, const std::string& key,
                 int* calls) {
    ++*calls;
    if (down) return Lookup<T>::Unavailable("fake record store down");
    auto it = map.find(key);
    return it == map.end() ? Lookup<T>::Missing() : it->second;
  }
};

// A FakeRecordStore that runs `during` inside every lookup: something that
// happens while the source of truth is being asked.
class HookedRecordStore : public FakeRecordStore {
 public:
  Lookup<UserRecord> FindUser(const std::string& email) override {
    if (during) during();
    return FakeRecordStore::FindUser(email);
  }
  Lookup<FileRecord> FindFile(const std::string& file_id) override {
    if (during) during();
    return FakeRecordStore::FindFile(file_id);
  }
  std::function<void()> during;
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
  bool Set(const std::string& key, const std::string& value, int64_t ttl_seconds) override {
    sets.push_back(SetCall{key, value, ttl_seconds});
    if (error) return false;
    entries[key] = value;
    return true;
  }
  void Flush() override { ++flushes; }
  Status Delete(const std::vector<std::string>& keys, int64_t* removed) override {
    if (error) return Status::Unavailable("fake cache down");
    *removed = 0;
    for (const std::string& key : keys) *removed += entries.erase(key);
    return Status::Ok();
  }

  std::map<std::string, std::string> entries;
  std::vector<SetCall> sets;
  int flushes = 0;
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
