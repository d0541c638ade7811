// InvalidationBoard: change stamps shared by the change listener and every
// worker, so that per-worker record caches learn of a change at once.
//
// One block of shared anonymous memory, mapped before the workers fork. Each
// user, file or show key hashes to one of kSlots counters per kind; the listener
// bumps a key's counter when PostgreSQL reports a change, or the global
// counter when changes may have been missed (a reconnect). A cached record
// carries the stamp read BEFORE it was fetched, and is current only while
// that stamp is unchanged: a change that lands during the fetch is never
// hidden. Two keys sharing a counter only cost an extra refetch. Lock-free;
// thread- and process-safe.
#ifndef MEDIAGATE_STORE_INVALIDATION_BOARD_H_
#define MEDIAGATE_STORE_INVALIDATION_BOARD_H_

#include <cstdint>
#include <memory>
#include <string_view>

namespace mediagate {

class InvalidationBoard {
 public:
  enum class Kind { kUser = 0, kFile = 1, kShow = 2 };
  static constexpr int kSlots = 4096;  // per kind

  struct Stamp {
    uint64_t all = 0;
    uint64_t slot = 0;
  };

  // Maps the shared block; nullptr if mmap fails.
  static std::unique_ptr<InvalidationBoard> CreateShared();
  // Process-private, for tests and one-shot commands.
  static std::unique_ptr<InvalidationBoard> CreatePrivate();
  ~InvalidationBoard();
  InvalidationBoard(const InvalidationBoard&) = delete;
  InvalidationBoard& operator=(const InvalidationBoard&) = delete;

  Stamp Read(Kind kind, std::string_view key) const;
  bool Current(Kind kind, std::string_view key, const Stamp& stamp) const;
  void Invalidate(Kind kind, std::string_view key);
  void InvalidateAll();

 private:
  struct Block;
  InvalidationBoard(Block* block, bool shared);
  static int SlotOf(Kind kind, std::string_view key);
  Block* block_;
  bool shared_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_INVALIDATION_BOARD_H_
