// FeedTemplate: a show's feed rendered once, with holes for the subscriber.
//
// The XML is held as literal segments separated by slots: the subscriber's
// premium link prefix ("<public_base><url.prefix>/<base64url email>/"), the
// token, or the lapse notice item. Filling the slots is one concatenation,
// so a subscriber's feed costs a copy, not a render. Immutable after
// building; Fill() is thread-safe.
#ifndef MEDIAGATE_FEED_FEED_TEMPLATE_H_
#define MEDIAGATE_FEED_FEED_TEMPLATE_H_

#include <string>
#include <string_view>
#include <vector>

namespace mediagate {

enum class FeedSlot { kLinkPrefix, kToken, kNotice };

// What a subscriber's feed puts into the slots. The link prefix and the
// token are URL-safe ASCII, so they need no XML escaping; the notice is a
// complete, escaped <item> (or empty).
struct FeedSlotValues {
  std::string_view link_prefix;
  std::string_view token;
  std::string_view notice;
};

class FeedTemplate {
 public:
  FeedTemplate() : segments_(1) {}

  // Appends literal XML (already escaped) to the current segment.
  void Append(std::string_view xml) { segments_.back().append(xml); }
  // Appends `text` XML-escaped (feed/xml_escape.h).
  void AppendText(std::string_view text);
  // Ends the current segment with a slot.
  void AddSlot(FeedSlot slot);

  // The feed with every slot filled in.
  std::string Fill(const FeedSlotValues& values) const;
  // The same, appended to *out (one allocation for a response and its body).
  void AppendFilled(const FeedSlotValues& values, std::string* out) const;
  // The size of Fill(values).
  size_t FilledSize(const FeedSlotValues& values) const;
  // The feed with every slot empty (a feed without slots: the feed itself).
  std::string Literal() const { return Fill(FeedSlotValues{}); }
  size_t slot_count() const { return slots_.size(); }

 private:
  std::vector<std::string> segments_;  // slots_.size() + 1 of them
  std::vector<FeedSlot> slots_;
  size_t literal_bytes_ = 0;
};

}  // namespace mediagate

#endif  // MEDIAGATE_FEED_FEED_TEMPLATE_H_
