#pragma once
// The GPU side of one case: input, output, and per slice of N a weight binding (buffer or image),
// a qparams buffer and a descriptor set, all on one pipeline. "One GEMV" is every slice's dispatch.
// For cold-cache timing the weights and qparams exist in several identical copies, each with its
// own descriptor sets, and successive GEMVs rotate through them.
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "bench/problem.hpp"
#include "bench/split_plan.hpp"
#include "kernels/kernel_table.hpp"
#include "vk/buffer.hpp"
#include "vk/commands.hpp"
#include "vk/image.hpp"
#include "vk/pipeline.hpp"

namespace qgemv::bench {

class GpuCase {
 public:
  GpuCase(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
          const kernels::KernelDesc& kernel, const kernels::Dispatch& dispatch, Storage storage,
          const SplitPlan& plan, std::uint32_t copies);

  // Rebuilds the pipeline for another dispatch shape (a tuning candidate) over the same buffers;
  // keeps it when `dispatch` is the current one. UnsupportedError when the device lacks a feature
  // the variant (its flavour included) declares; std::logic_error for other slices along K than
  // the case was built with (its scratch buffers are sized for those).
  void use_dispatch(vk_util::Context& context, const kernels::Dispatch& dispatch);

  // Records every slice's dispatch (one GEMV) reading weight copy `iteration % copies()`.
  void record(const vk::raii::CommandBuffer& cmd, std::uint64_t iteration = 0) const;
  std::uint32_t copies() const { return copies_; }
  const kernels::Dispatch& dispatch() const { return dispatch_; }
  std::uint64_t footprint_bytes() const { return footprint_bytes_; }
  // Fills the output with NaN so unwritten elements fail validation.
  void poison_output(vk_util::Commands& commands) const;
  // The output buffer a graph's next operation would read (null for tt, whose output is an image).
  const vk_util::Buffer* output_buffer() const { return y_buffer_.get(); }
  // The N outputs as floats.
  std::vector<float> read_output(vk_util::Context& context, vk_util::Commands& commands) const;

 private:
  // One copy of one slice's weights and qparams.
  struct SliceCopy {
    std::unique_ptr<vk_util::Buffer> weight_buffer;
    std::unique_ptr<vk_util::Image2D> weight_image;
    std::unique_ptr<vk_util::Buffer> qparams;
  };
  struct Slice {
    std::vector<SliceCopy> copies;
    kernels::PushConstants push;
    std::uint32_t workgroups;
    std::unique_ptr<vk_util::Buffer> scratch;  // split-K counters and partial sums, shared by the copies
  };

  void upload_slice(vk_util::Context& context, vk_util::Commands& commands, const quant::QuantData& data,
                    const quant::PackedWeights& packed, std::int64_t n_begin);
  SliceCopy upload_copy(vk_util::Context& context, vk_util::Commands& commands, const quant::QuantData& data,
                        const quant::PackedWeights& packed, std::span<const std::uint8_t> qparam_bytes);
  SliceCopy empty_copy_like(vk_util::Context& context, const SliceCopy& original) const;
  void bind_all();
  std::uint32_t set_index(std::uint32_t slice, std::uint32_t copy) const {
    return copy * static_cast<std::uint32_t>(plan_.slices) + slice;
  }
  void bind_io(std::uint32_t set);

  const Problem& problem_;
  const kernels::KernelDesc& kernel_;
  kernels::Dispatch dispatch_;
  Storage storage_;
  SplitPlan plan_;
  std::uint32_t copies_;
  std::uint64_t footprint_bytes_ = 0;
  vk::raii::Sampler sampler_{nullptr};
  std::unique_ptr<vk_util::Buffer> x_buffer_, y_buffer_;
  std::unique_ptr<vk_util::Image2D> x_image_, y_image_;
  std::unique_ptr<vk_util::ComputePipeline> pipeline_;
  std::vector<Slice> slices_;
};

}  // namespace qgemv::bench
