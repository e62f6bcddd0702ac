// Derives the kernel facts (verifier/result/kernel_facts.h) from the IMA
// entries of the verified list, after binding: only bound ima-buf records
// whose buffer hashes to the logged digest count.
//
// Thread safety: pure function.
#ifndef CCV_VERIFIER_PIPELINE_KERNEL_FACTS_H_
#define CCV_VERIFIER_PIPELINE_KERNEL_FACTS_H_

#include <vector>

#include "verifier/result/facts.h"
#include "verifier/result/kernel_facts.h"

namespace ccv::pipeline {

result::KernelFacts DeriveKernelFacts(const std::vector<result::ImaEntryFact>& ima);

}  // namespace ccv::pipeline

#endif  // CCV_VERIFIER_PIPELINE_KERNEL_FACTS_H_
