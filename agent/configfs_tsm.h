// configfs-tsm client: one attestation report (a TDX quote when the provider
// is "tdx_guest") for a 64-byte inblob, through the Linux TSM report ABI
// (Documentation/ABI/testing/configfs-tsm, Linux >= 6.7):
//
//   mkdir report/<name>            the kernel creates the entry's attributes
//   read  generation   -> g0       a counter bumped by every attribute write
//   write inblob (64 bytes)        our one write: expect g0 + 1 afterwards
//   read  outblob                  the report, generated on first read
//   read  generation   -> g1       g1 != g0 + 1: another writer raced us
//   rmdir report/<name>            always, also after an error
//
// Fake trees (tests). A plain directory gets no attributes on mkdir. When the
// report directory is not a configfs mount and holds a directory `.template`,
// the client still creates and removes its entry but reads and writes the
// attributes in `.template`, so the fake serves every entry from one set of
// files. A test makes `inblob` and `outblob` FIFOs there and runs a small
// server that reads the inblob, bumps `generation` and writes the outblob:
// the client's blocking reads keep the exchange deterministic.
//
// Links and file types. Every attribute is opened with O_NOFOLLOW relative
// to the entry's directory descriptor and its type checked with fstat before
// use; all of generation, inblob and outblob are checked before the inblob is
// written. The inblob is written only when it is a regular file on configfs
// (fstatfs) or, on a fake tree, the fake's FIFO; generation and provider
// must be regular files. A link or a wrong type is kIo naming the attribute.
//
// Thread safety: stateless free functions; concurrent calls use distinct
// entries (the name holds the pid and a process-wide counter).
#ifndef CCV_AGENT_CONFIGFS_TSM_H_
#define CCV_AGENT_CONFIGFS_TSM_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::agent {

inline constexpr size_t kTsmInblobLen = 64;
// TSM_REPORT_OUTBLOB_MAX in include/linux/tsm.h is 32 KiB; allow headroom.
inline constexpr uint64_t kTsmOutblobMaxLen = 1 << 20;

struct TsmReport {
  std::vector<uint8_t> outblob;
  std::string provider;     // e.g. "tdx_guest"; empty if the entry has none
  uint64_t generation = 0;  // generation after the outblob was read
};

// Gets one report for `inblob` from the configfs-tsm report directory
// `report_dir` (e.g. /sys/kernel/config/tsm/report).
// Errors:
//   kNotFound  report_dir does not exist (kernel without TSM reports);
//   kIo        the entry cannot be created or used, an attribute is a link or
//              of the wrong type, or the outblob read fails or is empty (no
//              quote service answered);
//   kBadValue  field "generation": not a decimal number, or it changed by
//              other than our one write (a concurrent writer).
Result<TsmReport> GetTsmReport(const std::string& report_dir,
                               const std::array<uint8_t, kTsmInblobLen>& inblob);

// GetTsmReport in the open report directory `report_dir_fd` (`report_dir`
// names it in errors), e.g. opened with internal::OpenDirBeneath.
Result<TsmReport> GetTsmReportAt(int report_dir_fd, const std::string& report_dir,
                                 const std::array<uint8_t, kTsmInblobLen>& inblob);

// Parses a generation attribute: decimal digits and an optional newline.
Result<uint64_t> ParseTsmGeneration(std::string_view text);

}  // namespace ccv::agent

#endif  // CCV_AGENT_CONFIGFS_TSM_H_
