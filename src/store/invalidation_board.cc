// InvalidationBoard: counters in shared memory.
#include "store/invalidation_board.h"

#include <sys/mman.h>

#include <atomic>
#include <new>

namespace mediagate {

struct InvalidationBoard::Block {
  std::atomic<uint64_t> all{0};
  std::atomic<uint64_t> slots[3 * kSlots] = {};
};

static_assert(std::atomic<uint64_t>::is_always_lock_free,
              "shared-memory counters need lock-free atomics");

InvalidationBoard::InvalidationBoard(Block* block, bool shared)
    : block_(block), shared_(shared) {}

InvalidationBoard::~InvalidationBoard() {
  if (shared_) {
    block_->~Block();
    munmap(block_, sizeof(Block));
  } else {
    delete block_;
  }
}

std::unique_ptr<InvalidationBoard> InvalidationBoard::CreateShared() {
  void* p =
      mmap(nullptr, sizeof(Block), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  return std::unique_ptr<InvalidationBoard>(new InvalidationBoard(new (p) Block(), true));
}

std::unique_ptr<InvalidationBoard> InvalidationBoard::CreatePrivate() {
  return std::unique_ptr<InvalidationBoard>(new InvalidationBoard(new Block(), false));
}

// FNV-1a: the same in every process of every build, unlike std::hash.
int InvalidationBoard::SlotOf(Kind kind, std::string_view key) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<int>(kind) * kSlots + static_cast<int>(h % kSlots);
}

InvalidationBoard::Stamp InvalidationBoard::Read(Kind kind, std::string_view key) const {
  return Stamp{block_->all.load(std::memory_order_acquire),
               block_->slots[SlotOf(kind, key)].load(std::memory_order_acquire)};
}

bool InvalidationBoard::Current(Kind kind, std::string_view key, const Stamp& stamp) const {
  const Stamp now = Read(kind, key);
  return now.all == stamp.all && now.slot == stamp.slot;
}

void InvalidationBoard::Invalidate(Kind kind, std::string_view key) {
  block_->slots[SlotOf(kind, key)].fetch_add(1, std::memory_order_acq_rel);
}

void InvalidationBoard::InvalidateAll() { block_->all.fetch_add(1, std::memory_order_acq_rel); }

}  // namespace mediagate
