// libFuzzer harness: the 56-byte ACPI CCEL table.
#include <cstddef>
#include <cstdint>

#include "parsers/ccel.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto table = ccv::parsers::ParseCcelAcpiTable(ccv::fuzz::AsInput(data, size));
  if (!table.ok()) {
    ccv::fuzz::CheckParseStatus(table.status());
    return 0;
  }
  CCV_FUZZ_CHECK(table->length == size);
  (void)ccv::parsers::CcTypeName(table->cc_type);
  (void)ccv::parsers::AcpiIdText(table->oem_id);
  (void)ccv::parsers::AcpiIdText(table->oem_table_id);
  return 0;
}
