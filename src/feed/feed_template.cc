// FeedTemplate: segments and slots.
#include "feed/feed_template.h"

#include "feed/xml_escape.h"

namespace mediagate {

void FeedTemplate::AppendText(std::string_view text) {
  AppendXmlEscaped(text, &segments_.back());
}

void FeedTemplate::AddSlot(FeedSlot slot) {
  literal_bytes_ += segments_.back().size();
  slots_.push_back(slot);
  segments_.emplace_back();
}

std::string FeedTemplate::Fill(const FeedSlotValues& values) const {
  std::string out;
  AppendFilled(values, &out);
  return out;
}

size_t FeedTemplate::FilledSize(const FeedSlotValues& values) const {
  size_t size = literal_bytes_ + segments_.back().size();
  for (FeedSlot slot : slots_) {
    switch (slot) {
      case FeedSlot::kLinkPrefix: size += values.link_prefix.size(); break;
      case FeedSlot::kToken: size += values.token.size(); break;
      case FeedSlot::kNotice: size += values.notice.size(); break;
    }
  }
  return size;
}

void FeedTemplate::AppendFilled(const FeedSlotValues& values, std::string* out) const {
  out->reserve(out->size() + FilledSize(values));
  for (size_t i = 0; i < slots_.size(); ++i) {
    out->append(segments_[i]);
    switch (slots_[i]) {
      case FeedSlot::kLinkPrefix: out->append(values.link_prefix); break;
      case FeedSlot::kToken: out->append(values.token); break;
      case FeedSlot::kNotice: out->append(values.notice); break;
    }
  }
  out->append(segments_.back());
}

}  // namespace mediagate
