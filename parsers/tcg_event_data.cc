#include "parsers/tcg_event_data.h"

#include <string>

#include "parsers/core/hex.h"
#include "parsers/tcg_event_log_format.h"
#include "parsers/uefi_event_format.h"

namespace ccv::parsers {

namespace tf = tcg_format;
namespace uf = uefi_format;

std::string_view NoActionSignature(Bytes data) {
  if (data.size() < tf::kSpecIdSignatureLen) return {};
  ByteReader r(data);
  Result<Bytes> signature = r.ReadBytes(tf::kSpecIdSignatureLen, "signature");
  return signature.ok() ? AsChars(*signature) : std::string_view();
}

Result<uint8_t> ParseStartupLocality(Bytes data, uint64_t offset) {
  if (data.size() != tf::kStartupLocalityLen) {
    return ParseError(ErrorCode::kBadLength, offset, "startup_locality",
                      "expected " + std::to_string(tf::kStartupLocalityLen) + " bytes, got " +
                          std::to_string(data.size()));
  }
  ByteReader r(data, offset);
  CCV_ASSIGN_OR_RETURN(Bytes signature,
                       r.ReadBytes(tf::kStartupLocalitySignature.size(), "signature"));
  if (AsChars(signature) != tf::kStartupLocalitySignature) {
    return ParseError(ErrorCode::kBadMagic, offset, "signature", "expected \"StartupLocality\\0\"");
  }
  return r.ReadU8("startup_locality");
}

Result<Sp800155PlatformIdEvent> ParseSp800155PlatformIdEvent(Bytes data, uint64_t offset) {
  ByteReader r(data, offset);
  CCV_ASSIGN_OR_RETURN(Bytes signature, r.ReadBytes(tf::kSp800155Signature.size(), "signature"));
  Sp800155PlatformIdEvent e;
  e.event3 = AsChars(signature) == tf::kSp800155Event3Signature;
  if (!e.event3 && AsChars(signature) != tf::kSp800155Signature) {
    return ParseError(ErrorCode::kBadMagic, offset, "signature",
                      "expected \"SP800-155 Event\\0\" or \"SP800-155 Event3\"");
  }
  auto read_string = [&r](std::string_view field, Bytes* out) -> Status {
    CCV_ASSIGN_OR_RETURN(ByteReader s, r.ReadU8LengthPrefixed(field));
    *out = s.Rest();
    return Status::Ok();
  };
  CCV_ASSIGN_OR_RETURN(e.platform_manufacturer_id, r.ReadU32Le("platform_manufacturer_id"));
  CCV_RETURN_IF_ERROR(r.ReadInto(e.reference_manifest_guid.bytes, "reference_manifest_guid"));
  CCV_RETURN_IF_ERROR(read_string("platform_manufacturer_str", &e.platform_manufacturer_str));
  CCV_RETURN_IF_ERROR(read_string("platform_model", &e.platform_model));
  CCV_RETURN_IF_ERROR(read_string("platform_version", &e.platform_version));
  CCV_RETURN_IF_ERROR(read_string("firmware_manufacturer_str", &e.firmware_manufacturer_str));
  CCV_ASSIGN_OR_RETURN(e.firmware_manufacturer_id, r.ReadU32Le("firmware_manufacturer_id"));
  CCV_RETURN_IF_ERROR(read_string("firmware_version", &e.firmware_version));
  if (!e.event3) return e;
  CCV_ASSIGN_OR_RETURN(e.rim_locator_type, r.ReadU32Le("rim_locator_type"));
  CCV_ASSIGN_OR_RETURN(ByteReader rim_locator, r.ReadU32LengthPrefixed("rim_locator"));
  e.rim_locator = rim_locator.Rest();
  CCV_ASSIGN_OR_RETURN(e.platform_cert_locator_type, r.ReadU32Le("platform_cert_locator_type"));
  CCV_ASSIGN_OR_RETURN(ByteReader cert_locator, r.ReadU32LengthPrefixed("platform_cert_locator"));
  e.platform_cert_locator = cert_locator.Rest();
  return e;
}

Result<TcgTaggedEvent> ParseTcgTaggedEvent(Bytes data, uint64_t offset) {
  ByteReader r(data, offset);
  TcgTaggedEvent e;
  CCV_ASSIGN_OR_RETURN(e.tagged_event_id, r.ReadU32Le("tagged_event_id"));
  CCV_ASSIGN_OR_RETURN(ByteReader body, r.ReadU32LengthPrefixed("tagged_event_data"));
  e.tagged_event_data = body.Rest();
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("event_tag"));
  return e;
}

Result<TdShimPlatformConfigInfo> ParseTdShimPlatformConfigInfo(Bytes data, uint64_t offset) {
  ByteReader r(data, offset);
  TdShimPlatformConfigInfo c;
  static_assert(sizeof(c.descriptor) == uf::kTdShimDescriptorLen);
  CCV_RETURN_IF_ERROR(r.ReadInto(c.descriptor, "descriptor"));
  CCV_ASSIGN_OR_RETURN(ByteReader info, r.ReadU32LengthPrefixed("info_length"));
  c.info_offset = info.Offset();
  c.info = info.Rest();
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("td_shim_platform_config_info"));
  return c;
}

}  // namespace ccv::parsers
