#include "parsers/uefi_event.h"

#include <cstdio>
#include <cstring>
#include <utility>

#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_log.h"
#include "parsers/tcg_event_log_format.h"

namespace ccv::parsers {
namespace {

namespace tf = tcg_format;

std::string Fmt(const char* f, uint64_t a) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), f, static_cast<unsigned long long>(a));
  return buf;
}
std::string HexNum(uint64_t v) {
  char buf[20];
  char* p = buf + sizeof(buf);
  do {
    *--p = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v != 0);
  *--p = 'x';
  *--p = '0';
  return std::string(p, size_t(buf + sizeof(buf) - p));
}

struct KnownGuid {
  const char* text;
  std::string_view name;
};
constexpr KnownGuid kKnownGuids[] = {
    {"8be4df61-93ca-11d2-aa0d-00e098032b8c", "EFI_GLOBAL_VARIABLE"},
    {"d719b2cb-3d3a-4596-a3bc-dad00e67656f", "EFI_IMAGE_SECURITY_DATABASE"},
    {"605dab50-e046-4300-abb6-3dd810dd8b23", "SHIM_LOCK"},
    {"a5c059a1-94e4-4aa7-87b5-ab155c2bf072", "EFI_CERT_X509"},
    {"c1c41626-504c-4092-aca9-41f936934328", "EFI_CERT_SHA256"},
    {"8868e871-e4f1-11d3-bc22-0080c73c8881", "EFI_ACPI_20_TABLE"},
    {"eb9d2d30-2d88-11d3-9a16-0090273fc14d", "ACPI_TABLE"},
    {"eb9d2d31-2d88-11d3-9a16-0090273fc14d", "SMBIOS_TABLE"},
    {"f2fd1544-9794-4a2c-992e-e5bbcf20e394", "SMBIOS3_TABLE"},
    {"4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", "LOADER_INTERFACE (systemd-boot)"},
    {"1428f772-b64a-441e-b8c3-9ebdd7f893c7", "QEMU_KERNEL_LOADER_FS_MEDIA"},
    {"77fa9abd-0359-4d32-bd60-28f4e78f784b", "MICROSOFT_VENDOR"},
    {"3c5766e8-269c-4e34-aa14-ed776e85b3b6", "EFI_CERT_RSA2048"},
    {"826ca512-cf10-4ac9-b187-be01496631bd", "EFI_CERT_SHA1"},
    {"0b6e5233-a65c-44c9-9407-d9ab83bfc8bd", "EFI_CERT_SHA224"},
    {"ff3e5307-9fd0-48c9-85f1-8ad56c701e01", "EFI_CERT_SHA384"},
    {"093e0fae-a6c4-4f50-9f1b-d41e2b89c19a", "EFI_CERT_SHA512"},
    {"3bd2a492-96c0-4079-b420-fcf98ef103ed", "EFI_CERT_X509_SHA256"},
};

Guid ReadGuid(const uint8_t* p) {
  Guid g;
  std::memcpy(g.bytes.data(), p, 16);
  return g;
}

std::string GuidText(const Guid& g) {
  std::string s = g.ToString();
  std::string_view name = GuidName(g);
  if (!name.empty()) s += " (" + std::string(name) + ")";
  return s;
}

bool IsPrintableText(Bytes b) {
  if (b.empty()) return false;
  for (uint8_t c : b) {
    if (!(c >= 0x20 && c < 0x7f) && c != '\n' && c != '\r' && c != '\t') return false;
  }
  return true;
}

Bytes TrimNuls(Bytes b) {
  while (!b.empty() && b.back() == 0) b = b.first(b.size() - 1);
  return b;
}

void Add(EventDetail* d, std::string key, std::string value) {
  d->fields.push_back({std::move(key), std::move(value)});
}
void AddNum(EventDetail* d, std::string key, uint64_t value) {
  d->fields.push_back({std::move(key), value});
}

// EFI_LOAD_OPTION (UEFI 2.10 section 3.1.3): attributes u32, file path list
// length u16, description CHAR16*, device paths, optional data.
void DecodeLoadOption(Bytes v, EventDetail* d) {
  if (v.size() < 6) return;
  uint32_t attributes = LoadU32Le(v.data());
  uint16_t fpl = LoadU16Le(v.data() + 4);
  size_t pos = 6, end = pos;
  while (end + 1 < v.size() && (v[end] | v[end + 1]) != 0) end += 2;
  if (end + 1 >= v.size()) return;
  std::string desc = Utf16LeToUtf8(v.subspan(pos, end - pos));
  pos = end + 2;
  if (v.size() - pos < fpl) return;
  AddNum(d, "load_option.attributes", attributes);
  Add(d, "load_option.description", desc);
  Add(d, "load_option.device_path", DevicePathToText(v.subspan(pos, fpl)));
  if (v.size() - pos > fpl) Add(d, "load_option.optional_data", ToHex(v.subspan(pos + fpl)));
}

// EFI_SIGNATURE_LIST sequence (UEFI 2.10 section 32.4.1), as PK, KEK, db and
// dbx hold: per list its type, entry count and entry size. A list that does
// not fit ends the walk with a note.
void DecodeSignatureLists(Bytes v, EventDetail* d) {
  std::vector<std::string> lists;
  size_t pos = 0;
  while (pos < v.size()) {
    if (v.size() - pos < 28) {
      Add(d, "signature_lists_error", "list header cut short at +" + std::to_string(pos));
      break;
    }
    Guid type = ReadGuid(v.data() + pos);
    uint32_t list_size = LoadU32Le(v.data() + pos + 16);
    uint32_t header_size = LoadU32Le(v.data() + pos + 20);
    uint32_t sig_size = LoadU32Le(v.data() + pos + 24);
    if (list_size < 28 || list_size > v.size() - pos || header_size > list_size - 28 ||
        sig_size < 16 || (list_size - 28 - header_size) % sig_size != 0) {
      Add(d, "signature_lists_error", "inconsistent list sizes at +" + std::to_string(pos));
      break;
    }
    uint32_t count = (list_size - 28 - header_size) / sig_size;
    std::string name(GuidName(type));
    std::string item = (name.empty() ? type.ToString() : name) + ": " + std::to_string(count) +
                       (count == 1 ? " entry" : " entries") + " of " +
                       std::to_string(sig_size - 16) + " bytes";
    if (count >= 1) {
      item += ", first owner " + ReadGuid(v.data() + pos + 28 + header_size).ToString();
    }
    lists.push_back(std::move(item));
    pos += list_size;
  }
  d->fields.push_back({"signature_lists", std::move(lists)});
}

bool HoldsSignatureLists(const std::string& name) {
  return name == "PK" || name == "KEK" || name == "db" || name == "dbx" || name == "dbt" ||
         name == "dbr" || name.rfind("MokList", 0) == 0;
}

void DecodeVariable(uint32_t type, Bytes data, uint64_t off, EventDetail* d) {
  d->kind = "uefi_variable";
  Result<UefiVariableData> v = ParseUefiVariableData(data, off);
  if (!v.ok()) {
    d->error = v.status().ToString();
    return;
  }
  Add(d, "variable_name", GuidText(v->variable_name));
  AddNum(d, "unicode_name_length", v->unicode_name_length);
  AddNum(d, "variable_data_length", v->variable_data_length);
  Add(d, "unicode_name", v->unicode_name);
  Add(d, "variable_data", ToHex(v->variable_data));
  if (!v->trailing.empty()) {
    AddNum(d, "trailing_bytes", v->trailing.size());
    Add(d, "note", "bytes after VariableData (outside UEFI_VARIABLE_DATA; seen from shim)");
  }
  const std::string& n = v->unicode_name;
  bool global = v->variable_name.ToString() == "8be4df61-93ca-11d2-aa0d-00e098032b8c";
  if ((type == kEvEfiVariableBoot || type == kEvEfiVariableBoot2) && global) {
    if (n == "BootOrder" && v->variable_data.size() % 2 == 0) {
      std::vector<std::string> order;
      for (size_t i = 0; i + 1 < v->variable_data.size(); i += 2) {
        order.push_back(Fmt("Boot%04llX", LoadU16Le(v->variable_data.data() + i)));
      }
      d->fields.push_back({"boot_order", std::move(order)});
    } else if (n.size() == 8 && n.rfind("Boot", 0) == 0) {
      DecodeLoadOption(v->variable_data, d);
    }
  }
  if (!v->variable_data.empty()) {
    if (type == kEvEfiVariableAuthority) {
      // One EFI_SIGNATURE_DATA: the owner GUID and the certificate (or hash)
      // that authorised the image (PFP 10.4.2, Table 17 note; shim, EDK2).
      if (v->variable_data.size() >= 16) {
        Add(d, "signature_owner", GuidText(ReadGuid(v->variable_data.data())));
        AddNum(d, "signature_data_length", v->variable_data.size() - 16);
      }
    } else if (HoldsSignatureLists(n)) {
      DecodeSignatureLists(v->variable_data, d);
    }
  }
  if ((n == "SecureBoot" || n == "DeployedMode" || n == "AuditMode" || n == "SetupMode") &&
      v->variable_data.size() == 1) {
    Add(d, "enabled", v->variable_data[0] ? "yes" : "no");
  }
}

void DecodeImageLoad(Bytes data, uint64_t off, EventDetail* d) {
  d->kind = "image_load";
  Result<UefiImageLoadEvent> e = ParseUefiImageLoadEvent(data, off);
  if (!e.ok()) {
    d->error = e.status().ToString();
    return;
  }
  Add(d, "image_location_in_memory", HexNum(e->image_location_in_memory));
  AddNum(d, "image_length_in_memory", e->image_length_in_memory);
  Add(d, "image_link_time_address", HexNum(e->image_link_time_address));
  AddNum(d, "length_of_device_path", e->length_of_device_path);
  Add(d, "device_path", DevicePathToText(e->device_path));
}

void DecodeString(Bytes data, EventDetail* d) {
  d->kind = "string";
  std::string s = EventText(data);
  if (s.empty() && !data.empty()) {
    d->kind = "raw";
    return;
  }
  Add(d, "string", s);
}

// UEFI_PLATFORM_FIRMWARE_BLOB (PFP 10.4.4) and BLOB2 (with a description).
void DecodeBlob(bool v2, Bytes data, uint64_t off, EventDetail* d) {
  d->kind = "firmware_blob";
  ByteReader r(data, off);
  if (v2) {
    Result<uint8_t> n = r.ReadU8("blob_description_size");
    if (!n.ok()) return void(d->error = n.status().ToString());
    Result<Bytes> desc = r.ReadBytes(*n, "blob_description");
    if (!desc.ok()) return void(d->error = desc.status().ToString());
    Add(d, "blob_description", EventText(*desc));
  }
  Result<uint64_t> base = r.ReadU64Le("blob_base");
  if (!base.ok()) return void(d->error = base.status().ToString());
  Result<uint64_t> len = r.ReadU64Le("blob_length");
  if (!len.ok()) return void(d->error = len.status().ToString());
  Add(d, "blob_base", HexNum(*base));
  Add(d, "blob_length", HexNum(*len));
  if (Status s = r.ExpectEmpty("firmware_blob"); !s.ok()) d->error = s.ToString();
}

// UEFI_HANDOFF_TABLE_POINTERS (PFP 10.4.5) and ..._POINTERS2.
void DecodeHandoff(bool v2, Bytes data, uint64_t off, EventDetail* d) {
  d->kind = "handoff_tables";
  ByteReader r(data, off);
  if (v2) {
    Result<uint8_t> n = r.ReadU8("table_description_size");
    if (!n.ok()) return void(d->error = n.status().ToString());
    Result<Bytes> desc = r.ReadBytes(*n, "table_description");
    if (!desc.ok()) return void(d->error = desc.status().ToString());
    Add(d, "table_description", EventText(*desc));
  }
  Result<uint64_t> count = r.ReadU64Le("number_of_tables");
  if (!count.ok()) return void(d->error = count.status().ToString());
  AddNum(d, "number_of_tables", *count);
  if (*count > r.Remaining() / 24) {
    d->error = ParseError(ErrorCode::kBadLength, r.Offset() - 8, "number_of_tables",
                          "more tables than bytes").ToString();
    return;
  }
  std::vector<std::string> tables;
  for (uint64_t i = 0; i < *count; ++i) {
    Bytes e = r.ReadBytes(24, "table").value();
    tables.push_back(GuidText(ReadGuid(e.data())) + " at " + HexNum(LoadU64Le(e.data() + 16)));
  }
  d->fields.push_back({"tables", std::move(tables)});
  if (Status s = r.ExpectEmpty("handoff_tables"); !s.ok()) d->error = s.ToString();
}

// UEFI_GPT_DATA (PFP 10.4.6): EFI_PARTITION_TABLE_HEADER, u64 count, entries.
void DecodeGpt(Bytes data, uint64_t off, EventDetail* d) {
  d->kind = "gpt";
  ByteReader r(data, off);
  Result<Bytes> hdr = r.ReadBytes(92, "efi_partition_header");
  if (!hdr.ok()) return void(d->error = hdr.status().ToString());
  const uint8_t* h = hdr->data();
  if (std::memcmp(h, "EFI PART", 8) != 0) {
    d->error = ParseError(ErrorCode::kBadMagic, off, "efi_partition_header.signature",
                          "expected \"EFI PART\"").ToString();
    return;
  }
  Add(d, "disk_guid", ReadGuid(h + 56).ToString());
  uint32_t entry_size = LoadU32Le(h + 84);
  Result<uint64_t> n = r.ReadU64Le("number_of_partitions");
  if (!n.ok()) return void(d->error = n.status().ToString());
  AddNum(d, "number_of_partitions", *n);
  if (entry_size < 128 || *n > r.Remaining() / entry_size) {
    d->error = ParseError(ErrorCode::kBadLength, r.Offset() - 8, "number_of_partitions",
                          "partition entries exceed the event data").ToString();
    return;
  }
  std::vector<std::string> parts;
  for (uint64_t i = 0; i < *n; ++i) {
    Bytes e = r.ReadBytes(entry_size, "partition").value();
    parts.push_back("type " + ReadGuid(e.data()).ToString() + " unique " +
                    ReadGuid(e.data() + 16).ToString() + " lba " +
                    std::to_string(LoadU64Le(e.data() + 32)) + ".." +
                    std::to_string(LoadU64Le(e.data() + 40)) + " name \"" +
                    Utf16LeToUtf8(e.subspan(56, 72)) + "\"");
  }
  d->fields.push_back({"partitions", std::move(parts)});
  if (Status s = r.ExpectEmpty("gpt"); !s.ok()) d->error = s.ToString();
}

void DecodeNoAction(Bytes data, uint64_t off, EventDetail* d) {
  d->kind = "no_action";
  if (data.size() < 16) return;
  std::string_view sig = AsChars(data.first(16));
  if (sig == tf::kSpecIdSignature03) {
    d->kind = "spec_id";
    Result<SpecIdEvent> s = ParseSpecIdEvent(data, off);
    if (!s.ok()) return void(d->error = s.status().ToString());
    Add(d, "signature", "Spec ID Event03");
    AddNum(d, "platform_class", s->platform_class);
    Add(d, "spec_version", std::to_string(s->spec_version_major) + "." +
                               std::to_string(s->spec_version_minor) + " errata " +
                               std::to_string(s->spec_errata));
    AddNum(d, "uintn_size", s->uintn_size);
    std::vector<std::string> algs;
    for (const SpecIdAlgorithm& a : s->algorithms) {
      auto known = HashAlgFromTpmAlgId(a.algorithm_id);
      algs.push_back((known ? std::string(HashAlgName(*known)) : HexNum(a.algorithm_id)) + ":" +
                     std::to_string(a.digest_size));
    }
    d->fields.push_back({"algorithms", std::move(algs)});
    AddNum(d, "vendor_info_size", s->vendor_info_size);
    Add(d, "vendor_info", IsPrintableText(TrimNuls(s->vendor_info))
                              ? std::string(AsChars(TrimNuls(s->vendor_info)))
                              : ToHex(s->vendor_info));
    if (s->vendor_info_truncated) Add(d, "note", "vendor_info_size exceeds the event data");
  } else if (sig == tf::kStartupLocalitySignature) {
    d->kind = "startup_locality";
    if (data.size() != tf::kStartupLocalityLen) {
      d->error = ParseError(ErrorCode::kBadLength, off, "startup_locality",
                            "expected 17 bytes").ToString();
      return;
    }
    AddNum(d, "startup_locality", data[16]);
  } else if (sig == tf::kSp800155Event3Signature || sig == tf::kSp800155Signature) {
    d->kind = "sp800_155_event";
    Add(d, "signature", std::string(AsChars(TrimNuls(data.first(16)))));
    // TCG_Sp800_155_PlatformId_Event2/3 (PFP 10.4.5.2).
    ByteReader r(data.subspan(16), off + 16);
    auto u32 = [&](const char* name) {
      Result<uint32_t> v = r.ReadU32Le(name);
      if (v.ok()) AddNum(d, name, *v);
      return v.ok();
    };
    auto str = [&](const char* name) {
      Result<uint8_t> n = r.ReadU8(name);
      if (!n.ok()) return false;
      Result<Bytes> b = r.ReadBytes(*n, name);
      if (!b.ok()) return false;
      Add(d, name, EventText(*b));
      return true;
    };
    bool ok = u32("platform_manufacturer_id");
    if (ok) {
      Result<std::array<uint8_t, 16>> g = r.ReadArray<16>("reference_manifest_guid");
      ok = g.ok();
      if (ok) Add(d, "reference_manifest_guid", ReadGuid(g->data()).ToString());
    }
    ok = ok && str("platform_manufacturer_str") && str("platform_model") &&
         str("platform_version") && str("firmware_manufacturer_str") &&
         u32("firmware_manufacturer_id") && str("firmware_version");
    if (ok && sig == tf::kSp800155Event3Signature) {
      ok = u32("rim_locator_type");
      if (ok) {
        Result<ByteReader> loc = r.ReadU32LengthPrefixed("rim_locator");
        ok = loc.ok();
        if (ok) Add(d, "rim_locator", EventText(loc->Rest()));
      }
      ok = ok && u32("platform_cert_locator_type");
      if (ok) {
        Result<ByteReader> loc = r.ReadU32LengthPrefixed("platform_cert_locator");
        ok = loc.ok();
        if (ok) Add(d, "platform_cert_locator", EventText(loc->Rest()));
      }
    }
    if (!ok) d->error = "SP800-155 event data shorter than its fields";
  } else if (sig == tf::kNvIndexInstanceSignature || sig == tf::kNvIndexDynamicSignature) {
    Add(d, "signature", std::string(AsChars(TrimNuls(data.first(16)))));
  }
}

}  // namespace

std::string Guid::ToString() const {
  // Data1-3 are little-endian, Data4 is a byte array (UEFI 2.10 Appendix A).
  static constexpr int kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    uint8_t b = bytes[size_t(kOrder[i])];
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

std::string_view GuidName(const Guid& guid) {
  std::string s = guid.ToString();
  for (const KnownGuid& k : kKnownGuids) {
    if (s == k.text) return k.name;
  }
  return {};
}

std::string Utf16LeToUtf8(Bytes u) {
  std::string out;
  auto put = [&out](uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(char(cp));
    } else if (cp < 0x800) {
      out.push_back(char(0xC0 | (cp >> 6)));
      out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(char(0xE0 | (cp >> 12)));
      out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(char(0xF0 | (cp >> 18)));
      out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(char(0x80 | (cp & 0x3F)));
    }
  };
  for (size_t i = 0; i + 1 < u.size(); i += 2) {
    uint32_t c = LoadU16Le(u.data() + i);
    if (c == 0) break;
    if (c >= 0xD800 && c < 0xDC00 && i + 3 < u.size()) {
      uint32_t c2 = LoadU16Le(u.data() + i + 2);
      if (c2 >= 0xDC00 && c2 < 0xE000) {
        put(0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00));
        i += 2;
        continue;
      }
    }
    put(c >= 0xD800 && c < 0xE000 ? 0xFFFD : c);
  }
  return out;
}

Result<UefiVariableData> ParseUefiVariableData(Bytes data, uint64_t offset) {
  ByteReader r(data, offset);
  UefiVariableData v;
  CCV_ASSIGN_OR_RETURN(auto guid, r.ReadArray<16>("variable_name"));
  v.variable_name.bytes = guid;
  uint64_t n_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(v.unicode_name_length, r.ReadU64Le("unicode_name_length"));
  CCV_ASSIGN_OR_RETURN(v.variable_data_length, r.ReadU64Le("variable_data_length"));
  if (v.unicode_name_length > r.Remaining() / 2) {
    return ParseError(ErrorCode::kBadLength, n_at, "unicode_name_length",
                      std::to_string(v.unicode_name_length) + " CHAR16 exceed the " +
                          std::to_string(r.Remaining()) + " bytes left");
  }
  CCV_ASSIGN_OR_RETURN(Bytes name, r.ReadBytes(size_t(v.unicode_name_length) * 2, "unicode_name"));
  v.unicode_name = Utf16LeToUtf8(name);
  if (v.variable_data_length > r.Remaining()) {
    return ParseError(ErrorCode::kBadLength, n_at + 8, "variable_data_length",
                      std::to_string(v.variable_data_length) + " bytes exceed the " +
                          std::to_string(r.Remaining()) + " bytes left");
  }
  v.variable_data_offset = r.Offset();
  CCV_ASSIGN_OR_RETURN(v.variable_data, r.ReadBytes(size_t(v.variable_data_length), "variable_data"));
  v.trailing = r.Rest();
  return v;
}

Result<UefiImageLoadEvent> ParseUefiImageLoadEvent(Bytes data, uint64_t offset) {
  ByteReader r(data, offset);
  UefiImageLoadEvent e;
  CCV_ASSIGN_OR_RETURN(e.image_location_in_memory, r.ReadU64Le("image_location_in_memory"));
  CCV_ASSIGN_OR_RETURN(e.image_length_in_memory, r.ReadU64Le("image_length_in_memory"));
  CCV_ASSIGN_OR_RETURN(e.image_link_time_address, r.ReadU64Le("image_link_time_address"));
  uint64_t at = r.Offset();
  CCV_ASSIGN_OR_RETURN(e.length_of_device_path, r.ReadU64Le("length_of_device_path"));
  if (e.length_of_device_path > r.Remaining()) {
    return ParseError(ErrorCode::kBadLength, at, "length_of_device_path",
                      std::to_string(e.length_of_device_path) + " bytes exceed the " +
                          std::to_string(r.Remaining()) + " bytes left");
  }
  CCV_ASSIGN_OR_RETURN(e.device_path, r.ReadBytes(size_t(e.length_of_device_path), "device_path"));
  // Some firmware pads the event; the spec has no trailing bytes but the
  // device path length is authoritative, so extra bytes are ignored.
  return e;
}

std::string DevicePathToText(Bytes dp) {
  std::string out;
  size_t pos = 0;
  bool sep = false;
  while (pos < dp.size()) {
    if (dp.size() - pos < 4) {
      out += "<malformed at +" + std::to_string(pos) + ">";
      break;
    }
    uint8_t type = dp[pos], sub = dp[pos + 1];
    uint16_t len = LoadU16Le(dp.data() + pos + 2);
    if (len < 4 || len > dp.size() - pos) {
      out += "<malformed at +" + std::to_string(pos) + ">";
      break;
    }
    Bytes n = dp.subspan(pos + 4, len - 4);
    pos += len;
    if (type == 0x7F) {
      if (sub == 0xFF) break;
      out += ",";
      sep = false;
      continue;
    }
    if (sep) out += "/";
    sep = true;
    auto u8at = [&](size_t i) -> uint64_t { return i < n.size() ? n[i] : 0; };
    auto u32at = [&](size_t i) -> uint64_t { return i + 4 <= n.size() ? LoadU32Le(n.data() + i) : 0; };
    auto u64at = [&](size_t i) -> uint64_t { return i + 8 <= n.size() ? LoadU64Le(n.data() + i) : 0; };
    auto guidat = [&](size_t i) -> std::string {
      return i + 16 <= n.size() ? ReadGuid(n.data() + i).ToString() : "?";
    };
    std::string node;
    if (type == 1 && sub == 1 && n.size() >= 2) {
      node = "Pci(" + HexNum(u8at(1)) + "," + HexNum(u8at(0)) + ")";
    } else if (type == 1 && sub == 3 && n.size() >= 20) {
      node = "MemoryMapped(" + HexNum(u32at(0)) + "," + HexNum(u64at(4)) + "," + HexNum(u64at(12)) + ")";
    } else if (type == 1 && sub == 4 && n.size() >= 16) {
      node = "VenHw(" + guidat(0) + (n.size() > 16 ? "," + ToHex(n.subspan(16)) : "") + ")";
    } else if (type == 2 && sub == 1 && n.size() >= 8) {
      uint32_t hid = uint32_t(u32at(0));
      if (hid == 0x0A0341D0) {
        node = "PciRoot(" + HexNum(u32at(4)) + ")";
      } else if (hid == 0x0A0841D0) {
        node = "PcieRoot(" + HexNum(u32at(4)) + ")";
      } else {
        char buf[32];
        uint32_t eisa = hid & 0xFFFF;
        std::snprintf(buf, sizeof(buf), "Acpi(PNP%04X,", unsigned(hid >> 16));
        node = eisa == 0x41D0 ? std::string(buf) + HexNum(u32at(4)) + ")"
                              : "Acpi(" + HexNum(hid) + "," + HexNum(u32at(4)) + ")";
      }
    } else if (type == 3 && sub == 2 && n.size() >= 4) {
      node = "Scsi(" + HexNum(LoadU16Le(n.data())) + "," + HexNum(LoadU16Le(n.data() + 2)) + ")";
    } else if (type == 3 && sub == 5 && n.size() >= 2) {
      node = "USB(" + HexNum(u8at(0)) + "," + HexNum(u8at(1)) + ")";
    } else if (type == 3 && sub == 11 && n.size() >= 32) {
      node = "MAC(" + ToHex(n.first(6)) + "," + HexNum(u8at(32)) + ")";
    } else if (type == 3 && sub == 18 && n.size() >= 6) {
      node = "Sata(" + HexNum(LoadU16Le(n.data())) + "," + HexNum(LoadU16Le(n.data() + 2)) + "," +
             HexNum(LoadU16Le(n.data() + 4)) + ")";
    } else if (type == 3 && sub == 23 && n.size() >= 12) {
      node = "NVMe(" + HexNum(u32at(0)) + "," + ToHex(n.subspan(4, 8)) + ")";
    } else if (type == 3 && sub == 10 && n.size() >= 16) {
      node = "VenMsg(" + guidat(0) + (n.size() > 16 ? "," + ToHex(n.subspan(16)) : "") + ")";
    } else if (type == 3 && sub == 24) {
      node = "Uri(" + std::string(AsChars(n)) + ")";
    } else if (type == 4 && sub == 1 && n.size() >= 38) {
      uint8_t fmt = n[36], sig_type = n[37];
      std::string sig = sig_type == 2 ? guidat(20) : sig_type == 1 ? HexNum(u32at(20)) : "0";
      node = "HD(" + std::to_string(u32at(0)) + "," +
             (fmt == 2 ? "GPT" : fmt == 1 ? "MBR" : HexNum(fmt)) + "," + sig + "," +
             HexNum(u64at(4)) + "," + HexNum(u64at(12)) + ")";
    } else if (type == 4 && sub == 2 && n.size() >= 20) {
      node = "CDROM(" + HexNum(u32at(0)) + "," + HexNum(u64at(4)) + "," + HexNum(u64at(12)) + ")";
    } else if (type == 4 && sub == 3 && n.size() >= 16) {
      node = "VenMedia(" + guidat(0) + (n.size() > 16 ? "," + ToHex(n.subspan(16)) : "") + ")";
    } else if (type == 4 && sub == 4) {
      node = Utf16LeToUtf8(n);
    } else if (type == 4 && sub == 6 && n.size() >= 16) {
      node = "FvFile(" + guidat(0) + ")";
    } else if (type == 4 && sub == 7 && n.size() >= 16) {
      node = "Fv(" + guidat(0) + ")";
    } else if (type == 4 && sub == 8 && n.size() >= 20) {
      node = "Offset(" + HexNum(u64at(4)) + "," + HexNum(u64at(12)) + ")";
    } else if (type == 5 && sub == 1 && n.size() >= 4) {
      node = "BBS(" + HexNum(LoadU16Le(n.data())) + "," + EventText(n.subspan(4)) + ")";
    } else {
      node = "Path(" + std::to_string(type) + "," + std::to_string(sub) + "," + ToHex(n) + ")";
    }
    out += node;
  }
  return out;
}

std::string EventText(Bytes data) {
  Bytes t = TrimNuls(data);
  if (t.empty()) return {};
  if (IsPrintableText(t)) return std::string(AsChars(t));
  // UTF-16LE: even length (after restoring a cut NUL high byte), ASCII in the
  // low bytes, zero high bytes.
  Bytes u = data;
  while (u.size() >= 2 && u[u.size() - 1] == 0 && u[u.size() - 2] == 0) u = u.first(u.size() - 2);
  if (u.size() >= 2 && u.size() % 2 == 0) {
    bool utf16 = true;
    for (size_t i = 0; i < u.size(); i += 2) {
      if (u[i + 1] != 0 || u[i] == 0) {
        utf16 = false;
        break;
      }
    }
    if (utf16) {
      std::string s = Utf16LeToUtf8(u);
      if (IsPrintableText(AsBytes(s))) return s;
    }
  }
  return {};
}

EventDetail DecodeEventData(uint32_t type, Bytes data, uint64_t off) {
  EventDetail d;
  switch (type) {
    case kEvNoAction:
      DecodeNoAction(data, off, &d);
      break;
    case kEvSeparator:
      d.kind = "separator";
      if (data.size() == 4) {
        uint32_t v = LoadU32Le(data.data());
        Add(&d, "value", Fmt("0x%08llx", v));
        if (v == 1) Add(&d, "note", "separator value 1 signals an error");
      } else {
        d.kind = "raw";
      }
      break;
    case kEvEfiVariableDriverConfig:
    case kEvEfiVariableBoot:
    case kEvEfiVariableBoot2:
    case kEvEfiVariableAuthority:
      DecodeVariable(type, data, off, &d);
      break;
    case kEvEfiBootServicesApplication:
    case kEvEfiBootServicesDriver:
    case kEvEfiRuntimeServicesDriver:
      DecodeImageLoad(data, off, &d);
      break;
    case kEvEfiPlatformFirmwareBlob:
      DecodeBlob(false, data, off, &d);
      break;
    case kEvEfiPlatformFirmwareBlob2:
      DecodeBlob(true, data, off, &d);
      break;
    case kEvEfiHandoffTables:
      DecodeHandoff(false, data, off, &d);
      break;
    case kEvEfiHandoffTables2:
      DecodeHandoff(true, data, off, &d);
      break;
    case kEvEfiGptEvent:
    case kEvEfiGptEvent2:
      DecodeGpt(data, off, &d);
      break;
    case kEvPostCode:
    case kEvPostCode2:
    case kEvSCrtmContents:
      // A UEFI_PLATFORM_FIRMWARE_BLOB (16 bytes) or a string such as "ACPI DATA".
      if (data.size() == 16 && !IsPrintableText(data)) {
        DecodeBlob(false, data, off, &d);
        d.kind = "post_code";
      } else {
        DecodeString(data, &d);
      }
      break;
    case kEvEventTag: {
      d.kind = "event_tag";
      ByteReader r(data, off);
      Result<uint32_t> id = r.ReadU32Le("tagged_event_id");
      Result<ByteReader> body = id.ok() ? r.ReadU32LengthPrefixed("tagged_event_data")
                                        : Result<ByteReader>(id.status());
      if (!body.ok()) {
        // Older TDVF builds log the bare string without the tagged header.
        if (!EventText(data).empty()) {
          d = EventDetail();
          DecodeString(data, &d);
          break;
        }
        d.error = body.status().ToString();
        break;
      }
      Add(&d, "tagged_event_id", HexNum(*id));
      std::string s = EventText(body->Rest());
      Add(&d, s.empty() ? "tagged_event_data" : "string", s.empty() ? ToHex(body->Rest()) : s);
      if (Status st = r.ExpectEmpty("event_tag"); !st.ok()) d.error = st.ToString();
      break;
    }
    case kEvSCrtmVersion:
      d.kind = "string";
      Add(&d, "string", EventText(data).empty() ? ToHex(data) : EventText(data));
      break;
    case kEvPlatformConfigFlags:
      // td-shim's TD_SHIM_PLATFORM_CONFIG_INFO: descriptor[16] (NUL padded),
      // info_length u32, info[info_length]; else a string.
      if (data.size() >= 20 && data[0] != 0 && IsPrintableText(TrimNuls(data.first(16))) &&
          LoadU32Le(data.data() + 16) == data.size() - 20) {
        d.kind = "platform_config";
        Add(&d, "descriptor", std::string(AsChars(TrimNuls(data.first(16)))));
        Bytes info = data.subspan(20);
        std::string text = EventText(info);
        Add(&d, "info", text.empty() ? ToHex(info) : text);
        break;
      }
      DecodeString(data, &d);
      break;
    case kEvIpl:
    case kEvEfiAction:
    case kEvAction:
    case kEvEfiHcrtmEvent:
    case kEvCompactHash:
    case kEvOmitBootDeviceEvents:
    case kEvNonhostInfo:
      DecodeString(data, &d);
      break;
    default:
      break;
  }
  return d;
}

}  // namespace ccv::parsers
