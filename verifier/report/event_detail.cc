#include "verifier/report/event_detail.h"

#include <array>
#include <cstdio>
#include <string_view>
#include <utility>

#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_data.h"
#include "parsers/tcg_event_log.h"
#include "parsers/tcg_event_log_format.h"
#include "parsers/uefi_event.h"
#include "parsers/uefi_event_format.h"
#include "parsers/uefi_text.h"
#include "verifier/report/signature_list.h"

namespace ccv::report {
namespace {

namespace p = parsers;
namespace tf = parsers::tcg_format;
namespace uf = parsers::uefi_format;

std::string Fmt(const char* f, uint64_t a) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), f, static_cast<unsigned long long>(a));
  return buf;
}

std::string HexNum(uint64_t v) {
  char buf[20];
  char* out = buf + sizeof(buf);
  do {
    *--out = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v != 0);
  *--out = 'x';
  *--out = '0';
  return std::string(out, size_t(buf + sizeof(buf) - out));
}

std::string GuidText(const p::Guid& g) {
  std::string s = g.ToString();
  std::string_view name = p::GuidName(g);
  if (!name.empty()) s += " (" + std::string(name) + ")";
  return s;
}

// `bytes` without trailing NULs, as text.
std::string_view PaddedText(Bytes bytes) { return AsChars(p::TrimTrailingNuls(bytes)); }

// True (with the error in `d`) if a decoder failed.
template <typename T>
bool Failed(const Result<T>& decoded, EventDetail* d) {
  if (decoded.ok()) return false;
  d->error = decoded.status().ToString();
  return true;
}

void Add(EventDetail* d, std::string key, std::string value) {
  d->fields.push_back({std::move(key), std::move(value)});
}
void AddNum(EventDetail* d, std::string key, uint64_t value) {
  d->fields.push_back({std::move(key), value});
}

// The fields of one device path node, read in order. Each caller checks the
// node's length against its layout first; a field past the data would read
// as 0 (a GUID as "?").
class NodeFields {
 public:
  explicit NodeFields(Bytes data) : r_(data) {}
  uint64_t U8() { return Or0(r_.ReadU8("node")); }
  uint64_t U16() { return Or0(r_.ReadU16Le("node")); }
  uint64_t U32() { return Or0(r_.ReadU32Le("node")); }
  uint64_t U64() { return Or0(r_.ReadU64Le("node")); }
  std::string Guid() {
    p::Guid g;
    return r_.ReadInto(g.bytes, "node").ok() ? g.ToString() : "?";
  }
  Bytes Take(size_t n) {
    Result<Bytes> b = r_.ReadBytes(n, "node");
    return b.ok() ? *b : Bytes();
  }
  Bytes Rest() const { return r_.Rest(); }

 private:
  template <typename T>
  static uint64_t Or0(const Result<T>& v) {
    return v.ok() ? uint64_t(*v) : 0;
  }
  ByteReader r_;
};

// A vendor node: the GUID, then the vendor's bytes in hex if any.
std::string VendorNode(const char* name, NodeFields* f) {
  std::string guid = f->Guid();
  Bytes rest = f->Rest();
  return std::string(name) + "(" + guid + (rest.empty() ? "" : "," + ToHex(rest)) + ")";
}

// One node in the text form of UEFI 2.10 section 10.6.
std::string DevicePathNodeText(const p::DevicePathNode& node) {
  const uint8_t type = node.type, sub = node.subtype;
  const size_t n = node.data.size();
  NodeFields f(node.data);
  if (type == 1 && sub == 1 && n >= uf::kPciNodeLen) {
    uint64_t function = f.U8(), device = f.U8();
    return "Pci(" + HexNum(device) + "," + HexNum(function) + ")";
  }
  if (type == 1 && sub == 3 && n >= uf::kMemoryMappedNodeLen) {
    uint64_t memory_type = f.U32(), start = f.U64(), end = f.U64();
    return "MemoryMapped(" + HexNum(memory_type) + "," + HexNum(start) + "," + HexNum(end) + ")";
  }
  if (type == 1 && sub == 4 && n >= uf::kVendorNodeLen) return VendorNode("VenHw", &f);
  if (type == 2 && sub == 1 && n >= uf::kAcpiNodeLen) {
    uint32_t hid = uint32_t(f.U32());
    uint64_t uid = f.U32();
    if (hid == 0x0A0341D0) return "PciRoot(" + HexNum(uid) + ")";
    if (hid == 0x0A0841D0) return "PcieRoot(" + HexNum(uid) + ")";
    if ((hid & 0xFFFF) != 0x41D0) return "Acpi(" + HexNum(hid) + "," + HexNum(uid) + ")";
    char pnp[32];
    std::snprintf(pnp, sizeof(pnp), "Acpi(PNP%04X,", unsigned(hid >> 16));
    return std::string(pnp) + HexNum(uid) + ")";
  }
  if (type == 3 && sub == 2 && n >= uf::kScsiNodeLen) {
    uint64_t target = f.U16(), lun = f.U16();
    return "Scsi(" + HexNum(target) + "," + HexNum(lun) + ")";
  }
  if (type == 3 && sub == 5 && n >= uf::kUsbNodeLen) {
    uint64_t port = f.U8(), interface = f.U8();
    return "USB(" + HexNum(port) + "," + HexNum(interface) + ")";
  }
  if (type == 3 && sub == 11 && n >= uf::kMacAddressLen) {
    Bytes mac = f.Take(uf::kMacAddressLen);
    uint64_t if_type = f.U8();
    return "MAC(" + ToHex(mac.first(6)) + "," + HexNum(if_type) + ")";
  }
  if (type == 3 && sub == 18 && n >= uf::kSataNodeLen) {
    uint64_t hba_port = f.U16(), multiplier_port = f.U16(), lun = f.U16();
    return "Sata(" + HexNum(hba_port) + "," + HexNum(multiplier_port) + "," + HexNum(lun) + ")";
  }
  if (type == 3 && sub == 23 && n >= uf::kNvmeNodeLen) {
    uint64_t namespace_id = f.U32();
    Bytes eui64 = f.Take(8);
    return "NVMe(" + HexNum(namespace_id) + "," + ToHex(eui64) + ")";
  }
  if (type == 3 && sub == 10 && n >= uf::kVendorNodeLen) return VendorNode("VenMsg", &f);
  if (type == 3 && sub == 24) return "Uri(" + std::string(AsChars(node.data)) + ")";
  if (type == 4 && sub == 1 && n >= uf::kHardDriveNodeLen) {
    uint64_t partition = f.U32(), start = f.U64(), size = f.U64();
    Bytes signature = f.Take(16);
    uint64_t format = f.U8(), signature_type = f.U8();
    std::string sig = "0";
    if (signature_type == 2) {
      sig = NodeFields(signature).Guid();
    } else if (signature_type == 1) {
      sig = HexNum(NodeFields(signature).U32());
    }
    return "HD(" + std::to_string(partition) + "," +
           (format == 2   ? "GPT"
            : format == 1 ? "MBR"
                          : HexNum(format)) +
           "," + sig + "," + HexNum(start) + "," + HexNum(size) + ")";
  }
  if (type == 4 && sub == 2 && n >= uf::kCdromNodeLen) {
    uint64_t boot_entry = f.U32(), start = f.U64(), size = f.U64();
    return "CDROM(" + HexNum(boot_entry) + "," + HexNum(start) + "," + HexNum(size) + ")";
  }
  if (type == 4 && sub == 3 && n >= uf::kVendorNodeLen) return VendorNode("VenMedia", &f);
  if (type == 4 && sub == 4) return p::Utf16LeToUtf8(node.data);
  if (type == 4 && sub == 6 && n >= uf::kFvNodeLen) return "FvFile(" + f.Guid() + ")";
  if (type == 4 && sub == 7 && n >= uf::kFvNodeLen) return "Fv(" + f.Guid() + ")";
  if (type == 4 && sub == 8 && n >= uf::kOffsetNodeLen) {
    f.U32();  // reserved
    uint64_t start = f.U64(), end = f.U64();
    return "Offset(" + HexNum(start) + "," + HexNum(end) + ")";
  }
  if (type == 5 && sub == 1 && n >= uf::kBbsNodeLen) {
    uint64_t device_type = f.U16();
    f.U16();  // status flag
    return "BBS(" + HexNum(device_type) + "," + p::EventText(f.Rest()) + ")";
  }
  return "Path(" + std::to_string(type) + "," + std::to_string(sub) + "," + ToHex(node.data) + ")";
}

void DescribeLoadOption(Bytes data, uint64_t offset, EventDetail* d) {
  Result<p::EfiLoadOption> o = p::ParseEfiLoadOption(data, offset);
  if (!o.ok()) return;
  AddNum(d, "load_option.attributes", o->attributes);
  Add(d, "load_option.description", o->description);
  Add(d, "load_option.device_path", DevicePathToText(o->file_path_list));
  if (!o->optional_data.empty()) Add(d, "load_option.optional_data", ToHex(o->optional_data));
}

// Per list its type, entry count and entry size; a list that does not fit
// ends the walk with a note (its position relative to the variable data).
// Then every entry: each certificate's names, serial and fingerprint, each
// hash.
void DescribeSignatureLists(Bytes data, uint64_t offset, EventDetail* d) {
  std::vector<std::string> lists;
  ByteReader r(data, offset);
  while (!r.Empty()) {
    Result<p::EfiSignatureList> l = p::ReadEfiSignatureList(&r);
    if (!l.ok()) break;
    std::string name(p::GuidName(l->signature_type));
    uint32_t count = l->num_signatures;
    lists.push_back((name.empty() ? l->signature_type.ToString() : name) + ": " +
                    std::to_string(count) + (count == 1 ? " entry" : " entries") + " of " +
                    std::to_string(l->signature_size - uf::kSignatureOwnerLen) + " bytes");
  }
  d->fields.push_back({"signature_lists", std::move(lists)});
  SignatureListDecode decoded = DecodeSignatureLists(data, offset);
  if (!decoded.error.empty()) Add(d, "signature_lists_error", decoded.error);
  std::vector<FieldRecord> entries;
  for (const SignatureEntry& e : decoded.entries) entries.push_back(SignatureEntryRecord(e));
  d->fields.push_back({"signatures", std::move(entries)});
}

// Variable data that is text (SbatLevel's "sbat,1,2021030218\n"): printable
// ASCII, tabs and line ends, trailing NULs ignored.
bool IsText(Bytes value) {
  Bytes t = p::TrimTrailingNuls(value);
  if (t.empty()) return false;
  for (uint8_t c : t) {
    if ((c < 0x20 || c > 0x7e) && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

bool HoldsSignatureLists(const std::string& name) {
  return name == "PK" || name == "KEK" || name == "db" || name == "dbx" || name == "dbt" ||
         name == "dbr" || name.rfind("MokList", 0) == 0;
}

void DescribeVariable(uint32_t type, Bytes data, uint64_t offset, EventDetail* d) {
  d->kind = "uefi_variable";
  Result<p::UefiVariableData> v = p::ParseUefiVariableData(data, offset);
  if (Failed(v, d)) return;
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
  const Bytes value = v->variable_data;
  const uint64_t value_offset = v->variable_data_offset;
  bool global = v->variable_name.ToString() == "8be4df61-93ca-11d2-aa0d-00e098032b8c";
  if ((type == p::kEvEfiVariableBoot || type == p::kEvEfiVariableBoot2) && global) {
    if (n == "BootOrder") {
      if (Result<std::vector<uint16_t>> order = p::ParseBootOrder(value, value_offset);
          order.ok()) {
        std::vector<std::string> names;
        for (uint16_t option : *order) names.push_back(Fmt("Boot%04llX", option));
        d->fields.push_back({"boot_order", std::move(names)});
      }
    } else if (n.size() == 8 && n.rfind("Boot", 0) == 0) {
      DescribeLoadOption(value, value_offset, d);
    }
  }
  if (!value.empty()) {
    if (type == p::kEvEfiVariableAuthority) {
      // One EFI_SIGNATURE_DATA: the owner GUID and the certificate (or hash)
      // that authorised the image (PFP 10.4.2, Table 17 note; shim, EDK2).
      ByteReader r(value, value_offset);
      // shim measures SbatLevel (text) and MokListTrusted as authorities too.
      if (IsText(value)) {
        Add(d, "text", std::string(PaddedText(value)));
      } else if (Result<p::EfiSignatureData> s = p::ReadEfiSignatureData(&r, r.Remaining());
                 s.ok()) {
        Add(d, "signature_owner", GuidText(s->signature_owner));
        AddNum(d, "signature_data_length", s->signature_data.size());
        if (std::optional<SignatureEntry> c = DescribeX509(s->signature_data)) {
          c->owner = s->signature_owner.ToString();
          d->fields.push_back({"signatures", std::vector<FieldRecord>{SignatureEntryRecord(*c)}});
        }
      }
    } else if (HoldsSignatureLists(n)) {
      DescribeSignatureLists(value, value_offset, d);
    } else if (IsText(value)) {
      Add(d, "text", std::string(PaddedText(value)));
    }
  }
  if (n == "SecureBoot" || n == "DeployedMode" || n == "AuditMode" || n == "SetupMode") {
    ByteReader r(value, value_offset);
    if (Result<uint8_t> enabled = r.ReadU8("enabled"); enabled.ok() && r.Empty()) {
      Add(d, "enabled", *enabled ? "yes" : "no");
    }
  }
}

void DescribeImageLoad(Bytes data, uint64_t offset, EventDetail* d) {
  d->kind = "image_load";
  Result<p::UefiImageLoadEvent> e = p::ParseUefiImageLoadEvent(data, offset);
  if (Failed(e, d)) return;
  Add(d, "image_location_in_memory", HexNum(e->image_location_in_memory));
  AddNum(d, "image_length_in_memory", e->image_length_in_memory);
  Add(d, "image_link_time_address", HexNum(e->image_link_time_address));
  AddNum(d, "length_of_device_path", e->length_of_device_path);
  Add(d, "device_path", DevicePathToText(e->device_path));
}

void DescribeString(Bytes data, EventDetail* d) {
  d->kind = "string";
  std::string s = p::EventText(data);
  if (s.empty() && !data.empty()) {
    d->kind = "raw";
    return;
  }
  Add(d, "string", s);
}

void DescribeBlob(bool v2, Bytes data, uint64_t offset, EventDetail* d) {
  d->kind = "firmware_blob";
  Result<p::UefiFirmwareBlob> b = p::ParseUefiFirmwareBlob(data, offset, v2);
  if (Failed(b, d)) return;
  if (v2) Add(d, "blob_description", p::EventText(b->blob_description));
  Add(d, "blob_base", HexNum(b->blob_base));
  Add(d, "blob_length", HexNum(b->blob_length));
}

void DescribeHandoff(bool v2, Bytes data, uint64_t offset, EventDetail* d) {
  d->kind = "handoff_tables";
  Result<p::UefiHandoffTables> h = p::ParseUefiHandoffTables(data, offset, v2);
  if (Failed(h, d)) return;
  if (v2) Add(d, "table_description", p::EventText(h->table_description));
  AddNum(d, "number_of_tables", h->tables.size());
  std::vector<std::string> tables;
  for (const p::EfiConfigurationTable& t : h->tables) {
    tables.push_back(GuidText(t.vendor_guid) + " at " + HexNum(t.vendor_table));
  }
  d->fields.push_back({"tables", std::move(tables)});
}

void DescribeGpt(Bytes data, uint64_t offset, EventDetail* d) {
  d->kind = "gpt";
  Result<p::UefiGptData> g = p::ParseUefiGptData(data, offset);
  if (Failed(g, d)) return;
  Add(d, "disk_guid", g->disk_guid.ToString());
  AddNum(d, "number_of_partitions", g->partitions.size());
  std::vector<std::string> parts;
  for (const p::EfiPartitionEntry& e : g->partitions) {
    parts.push_back("type " + e.partition_type_guid.ToString() + " unique " +
                    e.unique_partition_guid.ToString() + " lba " + std::to_string(e.starting_lba) +
                    ".." + std::to_string(e.ending_lba) + " name \"" + e.partition_name + "\"");
  }
  d->fields.push_back({"partitions", std::move(parts)});
}

void DescribeSpecId(Bytes data, uint64_t offset, EventDetail* d) {
  d->kind = "spec_id";
  Result<p::SpecIdEvent> s = p::ParseSpecIdEvent(data, offset);
  if (Failed(s, d)) return;
  Add(d, "signature", "Spec ID Event03");
  AddNum(d, "platform_class", s->platform_class);
  Add(d, "spec_version",
      std::to_string(s->spec_version_major) + "." + std::to_string(s->spec_version_minor) +
          " errata " + std::to_string(s->spec_errata));
  AddNum(d, "uintn_size", s->uintn_size);
  std::vector<std::string> algs;
  for (const p::SpecIdAlgorithm& a : s->algorithms) {
    auto known = HashAlgFromTpmAlgId(a.algorithm_id);
    algs.push_back((known ? std::string(HashAlgName(*known)) : HexNum(a.algorithm_id)) + ":" +
                   std::to_string(a.digest_size));
  }
  d->fields.push_back({"algorithms", std::move(algs)});
  AddNum(d, "vendor_info_size", s->vendor_info_size);
  Add(d, "vendor_info",
      p::IsPrintableAscii(p::TrimTrailingNuls(s->vendor_info))
          ? std::string(PaddedText(s->vendor_info))
          : ToHex(s->vendor_info));
  if (s->vendor_info_truncated) Add(d, "note", "vendor_info_size exceeds the event data");
}

void DescribeSp800155(std::string_view signature, Bytes data, uint64_t offset, EventDetail* d) {
  d->kind = "sp800_155_event";
  Add(d, "signature", std::string(PaddedText(AsBytes(signature))));
  Result<p::Sp800155PlatformIdEvent> e = p::ParseSp800155PlatformIdEvent(data, offset);
  if (Failed(e, d)) return;
  AddNum(d, "platform_manufacturer_id", e->platform_manufacturer_id);
  Add(d, "reference_manifest_guid", e->reference_manifest_guid.ToString());
  Add(d, "platform_manufacturer_str", p::EventText(e->platform_manufacturer_str));
  Add(d, "platform_model", p::EventText(e->platform_model));
  Add(d, "platform_version", p::EventText(e->platform_version));
  Add(d, "firmware_manufacturer_str", p::EventText(e->firmware_manufacturer_str));
  AddNum(d, "firmware_manufacturer_id", e->firmware_manufacturer_id);
  Add(d, "firmware_version", p::EventText(e->firmware_version));
  if (!e->event3) return;
  AddNum(d, "rim_locator_type", e->rim_locator_type);
  Add(d, "rim_locator", p::EventText(e->rim_locator));
  AddNum(d, "platform_cert_locator_type", e->platform_cert_locator_type);
  Add(d, "platform_cert_locator", p::EventText(e->platform_cert_locator));
}

void DescribeNoAction(Bytes data, uint64_t offset, EventDetail* d) {
  d->kind = "no_action";
  std::string_view signature = p::NoActionSignature(data);
  if (signature == tf::kSpecIdSignature03) {
    DescribeSpecId(data, offset, d);
  } else if (signature == tf::kStartupLocalitySignature) {
    d->kind = "startup_locality";
    Result<uint8_t> locality = p::ParseStartupLocality(data, offset);
    if (!Failed(locality, d)) AddNum(d, "startup_locality", *locality);
  } else if (signature == tf::kSp800155Event3Signature || signature == tf::kSp800155Signature) {
    DescribeSp800155(signature, data, offset, d);
  } else if (signature == tf::kNvIndexInstanceSignature ||
             signature == tf::kNvIndexDynamicSignature) {
    Add(d, "signature", std::string(PaddedText(AsBytes(signature))));
  }
}

void DescribeSeparator(Bytes data, uint64_t offset, EventDetail* d) {
  d->kind = "separator";
  ByteReader r(data, offset);
  Result<uint32_t> value = r.ReadU32Le("separator");
  if (!value.ok() || !r.Empty()) {
    d->kind = "raw";
    return;
  }
  Add(d, "value", Fmt("0x%08llx", *value));
  if (*value == 1) Add(d, "note", "separator value 1 signals an error");
}

void DescribeEventTag(Bytes data, uint64_t offset, EventDetail* d) {
  d->kind = "event_tag";
  Result<p::TcgTaggedEvent> t = p::ParseTcgTaggedEvent(data, offset);
  if (!t.ok()) {
    // Older TDVF builds log the bare string without the tagged header.
    if (!p::EventText(data).empty()) {
      *d = EventDetail();
      DescribeString(data, d);
      return;
    }
    d->error = t.status().ToString();
    return;
  }
  Add(d, "tagged_event_id", HexNum(t->tagged_event_id));
  std::string s = p::EventText(t->tagged_event_data);
  Add(d, s.empty() ? "tagged_event_data" : "string", s.empty() ? ToHex(t->tagged_event_data) : s);
}

// td-shim's TD_SHIM_PLATFORM_CONFIG_INFO when the descriptor is text, else a
// string.
void DescribePlatformConfig(Bytes data, uint64_t offset, EventDetail* d) {
  Result<p::TdShimPlatformConfigInfo> c = p::ParseTdShimPlatformConfigInfo(data, offset);
  if (c.ok() && c->descriptor[0] != 0 && p::IsPrintableAscii(p::TrimTrailingNuls(c->descriptor))) {
    d->kind = "platform_config";
    Add(d, "descriptor", std::string(PaddedText(c->descriptor)));
    std::string text = p::EventText(c->info);
    Add(d, "info", text.empty() ? ToHex(c->info) : text);
    return;
  }
  DescribeString(data, d);
}

}  // namespace

std::string DevicePathToText(Bytes device_path) {
  std::string out;
  ByteReader r(device_path);
  bool separate = false;
  while (!r.Empty()) {
    const size_t at = r.Position();
    Result<p::DevicePathNode> node = p::ReadDevicePathNode(&r);
    if (!node.ok()) {
      out += "<malformed at +" + std::to_string(at) + ">";
      break;
    }
    if (node->type == uf::kDevicePathTypeEnd) {
      if (node->subtype == uf::kDevicePathSubtypeEndEntire) break;
      out += ",";  // end of this instance
      separate = false;
      continue;
    }
    if (separate) out += "/";
    separate = true;
    out += DevicePathNodeText(*node);
  }
  return out;
}

EventDetail DescribeEventData(uint32_t type, Bytes data, uint64_t offset) {
  EventDetail d;
  switch (type) {
    case p::kEvNoAction:
      DescribeNoAction(data, offset, &d);
      break;
    case p::kEvSeparator:
      DescribeSeparator(data, offset, &d);
      break;
    case p::kEvEfiVariableDriverConfig:
    case p::kEvEfiVariableBoot:
    case p::kEvEfiVariableBoot2:
    case p::kEvEfiVariableAuthority:
      DescribeVariable(type, data, offset, &d);
      break;
    case p::kEvEfiBootServicesApplication:
    case p::kEvEfiBootServicesDriver:
    case p::kEvEfiRuntimeServicesDriver:
      DescribeImageLoad(data, offset, &d);
      break;
    case p::kEvEfiPlatformFirmwareBlob:
      DescribeBlob(false, data, offset, &d);
      break;
    case p::kEvEfiPlatformFirmwareBlob2:
      DescribeBlob(true, data, offset, &d);
      break;
    case p::kEvEfiHandoffTables:
      DescribeHandoff(false, data, offset, &d);
      break;
    case p::kEvEfiHandoffTables2:
      DescribeHandoff(true, data, offset, &d);
      break;
    case p::kEvEfiGptEvent:
    case p::kEvEfiGptEvent2:
      DescribeGpt(data, offset, &d);
      break;
    case p::kEvPostCode:
    case p::kEvPostCode2:
    case p::kEvSCrtmContents:
      // A UEFI_PLATFORM_FIRMWARE_BLOB or a string such as "ACPI DATA".
      if (data.size() == uf::kFirmwareBlobLen && !p::IsPrintableAscii(data)) {
        DescribeBlob(false, data, offset, &d);
        d.kind = "post_code";
      } else {
        DescribeString(data, &d);
      }
      break;
    case p::kEvEventTag:
      DescribeEventTag(data, offset, &d);
      break;
    case p::kEvSCrtmVersion: {
      d.kind = "string";
      std::string text = p::EventText(data);
      Add(&d, "string", text.empty() ? ToHex(data) : text);
      break;
    }
    case p::kEvPlatformConfigFlags:
      DescribePlatformConfig(data, offset, &d);
      break;
    case p::kEvIpl:
    case p::kEvEfiAction:
    case p::kEvAction:
    case p::kEvEfiHcrtmEvent:
    case p::kEvCompactHash:
    case p::kEvOmitBootDeviceEvents:
    case p::kEvNonhostInfo:
      DescribeString(data, &d);
      break;
    default:
      break;
  }
  return d;
}

}  // namespace ccv::report
