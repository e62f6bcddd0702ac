// Derives the boot facts (verifier/result/boot_facts.h) from the events of
// the verified logs, after binding: only bound events whose data is verified
// by a convention that covers what a fact reads count.
//
// Thread safety: pure function.
#ifndef CCV_VERIFIER_PIPELINE_BOOT_FACTS_H_
#define CCV_VERIFIER_PIPELINE_BOOT_FACTS_H_

#include <vector>

#include "verifier/result/boot_facts.h"
#include "verifier/result/facts.h"

namespace ccv::pipeline {

result::BootFacts DeriveBootFacts(const std::vector<result::EventFact>& events);

}  // namespace ccv::pipeline

#endif  // CCV_VERIFIER_PIPELINE_BOOT_FACTS_H_
